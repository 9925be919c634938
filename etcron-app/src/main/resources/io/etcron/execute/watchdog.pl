# etcron run watchdog: runs one command in a process group of its own and kills that whole group
# when the worker stops vouching for it. The worker feeds it over the control channel (stdin, or
# the FIFO named by --control):
#   D <ms>   the lease stays valid for at least <ms> more milliseconds: kill unless fed again by then
#   T        send SIGTERM to the command's process group
#   K        send SIGKILL to the command's process group
# End of input (the worker died or closed the channel) kills the group at once with SIGKILL. A
# missed deadline does too: a worker frozen by SIGSTOP or a long pause cannot leave its command
# running past its lease. Exits with the command's exit code, or 128 + N if signal N ended it.
# With --exit FILE, a command that ended by itself (no signal sent to it, or it exited normally
# anyway) also leaves its exit code in FILE (written aside, then renamed): the worker may be dead
# by then, and its next life reports the end from there.
# With --user NAME|UID (and --group NAME|GID), the command runs as that account: the watchdog,
# root, looks it up before starting anything (a missing account, root without --allow-root, or a
# watchdog that is not root and asked for another account: "etcron: not started: ..." and exit
# 126), and the child sets the groups (the given or primary group plus the user's supplementary
# groups, as initgroups does), then the gid, then the uid, checks that it cannot become root again,
# and only then execs. The watchdog itself stays root: it must still kill the group and write the
# exit note.
# With --rlimit cpu=N|nofile=N|as=N (repeated), the child sets those rlimits on itself with
# prlimit(1) (util-linux) before it changes user, so that root may raise a hard limit; one the
# kernel refuses ends the run unstarted the same way, with prlimit's reason.
# No modules: it starts for every run, and loading POSIX and Time::HiRes cost more than the rest
# (POSIX is loaded by the child of a run that changes user only).
# The watchdog is its command's child subreaper (prctl PR_SET_CHILD_SUBREAPER): a descendant
# orphaned inside the command's tree (a daemon's double fork) is re-parented to it, not to init, so
# a kill reaches every descendant, also those that left the command's process group with setsid.
# After a signalled end, what is left of the tree is killed too; after an end the command reached
# by itself, what it left running (`nohup x &`) is left alone.
# Time comes from /proc/uptime (CLOCK_BOOTTIME, 10 ms steps): monotonic, and it keeps counting
# while the machine is suspended, as the lease's expiry in etcd does.

my ($control, $exit_note, $user, $group, $allow_root, @rlimits);
while (@ARGV && $ARGV[0] =~ /^--(control|exit|user|group|allow-root|rlimit)$/) {
  shift @ARGV;
  if ($1 eq 'control') { $control = shift @ARGV; }
  elsif ($1 eq 'rlimit') {
    my $limit = shift @ARGV;
    die "watchdog: --rlimit takes cpu=N, nofile=N or as=N\n"
      unless defined $limit && $limit =~ /^(cpu|nofile|as)=(\d{1,19})$/;
    push(@rlimits, [$1, $2]);
  }
  elsif ($1 eq 'exit') { $exit_note = shift @ARGV; }
  elsif ($1 eq 'user') { $user = shift @ARGV; }
  elsif ($1 eq 'group') { $group = shift @ARGV; }
  else { $allow_root = 1; }
}
# The first deadline: "@<ms>" on /proc/uptime's clock (absolute: the worker may have been frozen
# between choosing it and this start), "<ms>" from now, or "-" for none.
my $budget = shift @ARGV;
die "usage: watchdog [--control FIFO] [--exit FILE] [--user U [--group G] [--allow-root]]"
  . " [--rlimit cpu|nofile|as=N]... \@MS|MS|- COMMAND...\n"
  unless defined $budget && @ARGV;

# The command does not start: the reason goes to its output, and 126 ("cannot execute") to the run.
sub refuse {
  print STDERR "etcron: not started: $_[0]\n";
  exit(126);
}

sub host {
  open(my $h, '<', '/proc/sys/kernel/hostname') or return 'this host';
  my $name = <$h>;
  chomp $name;
  return $name;
}

# The account to switch to, looked up before anything starts: (uid, gid, name, home, groups...).
my @switch;
if (defined $user) {
  my @pw = $user =~ /^\d+$/ ? getpwuid($user) : getpwnam($user);
  refuse("user \"$user\" does not exist on host " . host()) unless @pw;
  my ($name, $uid, $gid, $home) = @pw[0, 2, 3, 7];
  if (defined $group) {
    my @gr = $group =~ /^\d+$/ ? getgrgid($group) : getgrnam($group);
    refuse("group \"$group\" does not exist on host " . host()) unless @gr;
    $gid = $gr[2];
  }
  refuse("user \"$user\" is root, and this worker's --run-as-users does not list root")
    if $uid == 0 && !$allow_root;
  if ($> != 0) {
    my ($egid) = split(' ', $));
    refuse("worker runs as uid $> and cannot run jobs as \"$user\""
      . (defined $group ? " with group \"$group\"" : ''))
      unless $uid == $> && $uid == $< && $gid == $egid;
    # Already that account: nothing to switch.
  } else {
    my %seen = ($gid => 1);
    my @groups = ($gid);
    setgrent();
    while (my @gr = getgrent()) {
      push(@groups, $gr[2]) if !$seen{$gr[2]}++ && grep { $_ eq $name } split(' ', $gr[3]);
    }
    endgrent();
    @switch = ($uid, $gid, $name, $home, @groups);
  }
}

my $uptime;
open($uptime, '<', '/proc/uptime') or die "watchdog: cannot read /proc/uptime: $!\n";
sub now {
  seek($uptime, 0, 0);
  my $line = <$uptime>;
  return (split(' ', $line))[0];
}
my $deadline =
    $budget eq '-'       ? undef
  : $budget =~ /^@(\d+)$/ ? $1 / 1000
  :                        now() + $budget / 1000;
if (defined $deadline && now() >= $deadline) {
  # The lease may be gone already: the command must not start at all.
  print STDERR "etcron: not started: its lease's deadline passed before it could start\n";
  exit(128 + 9);
}

my $in;
if (defined $control) {
  open($in, '<', $control) or die "watchdog: cannot open $control: $!\n";
} else {
  $in = \*STDIN;
}
# prctl(PR_SET_CHILD_SUBREAPER = 36, 1) by its syscall number, which depends on the machine; on
# one not listed, descendants that leave the command's group escape a kill, as without it.
my %prctl = (x86_64 => 157, aarch64 => 167, riscv64 => 167);
if (open(my $arch, '<', '/proc/sys/kernel/arch')) {
  my $machine = <$arch>;
  chomp $machine if defined $machine;
  syscall($prctl{$machine}, 36, 1, 0, 0, 0) if defined $machine && defined $prctl{$machine};
}

pipe(my $wake_r, my $wake_w) or die "watchdog: pipe: $!\n";
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };

my $pid = fork();
die "watchdog: fork: $!\n" unless defined $pid;
if ($pid == 0) {
  close($wake_r);
  close($wake_w);
  open(STDIN, '<', '/dev/null') unless defined $control;
  require POSIX if @switch;    # before the limits: a small address space may not fit it
  limit(@rlimits) if @rlimits;
  become(@switch) if @switch;
  # setsid(1) calls setsid() and execs in place (a forked child leads no group yet), so the
  # command keeps this pid and leads a session and process group of its own: one signal reaches
  # its whole tree, and a terminal's job control does not.
  { exec { 'setsid' } 'setsid', @ARGV; }
  print STDERR "etcron: cannot run $ARGV[0]: $!\n";
  exit(127);
}

# In the child: the rlimits, soft = hard (the CPU's hard limit one second later, so that SIGXCPU,
# not SIGKILL, says why the command ended).
sub limit {
  my %name = (cpu => 'cpuSeconds', nofile => 'openFiles', as => 'memory');
  my @args = map { "--$_->[0]=$_->[1]:" . ($_->[0] eq 'cpu' ? $_->[1] + 1 : $_->[1]) } @_;
  # Only digits and fixed words in this line (checked above): the shell sees nothing else.
  my $out = qx{prlimit --pid=$$ @args 2>&1};
  return if $? == 0;
  $out =~ s/\s+$//;
  $out =~ s/\n/; /g;
  refuse("the kernel refused the limits "
    . join(', ', map { "$name{$_->[0]}=$_->[1]" } @_) . ": $out");
}

# In the child: groups, then gid, then uid (each step needs the rights the next one drops), then
# the proof that root cannot be regained. Any failure ends the child before the exec.
sub become {
  my ($uid, $gid, $name, $home, @groups) = @_;
  my $fail = sub {
    print STDERR "etcron: not started: cannot run as \"$user\" (uid $uid, gid $gid): $_[0]\n";
    POSIX::_exit(126);
  };
  $) = join(' ', $gid, @groups);    # setgroups(@groups) and the effective gid
  my %now = map { $_ => 1 } split(' ', $));
  $fail->("setgroups: $!") if grep { !$now{$_} } @groups;
  POSIX::setgid($gid) or $fail->("setgid: $!");
  POSIX::setuid($uid) or $fail->("setuid: $!");
  $fail->("the uid is $< / $>") unless $< == $uid && $> == $uid;
  $fail->("the gid is $( / $)") unless (split(' ', $())[0] == $gid && (split(' ', $)))[0] == $gid;
  $fail->("setuid(0) still succeeds after the switch") if $uid != 0 && POSIX::setuid(0);
  @ENV{qw(USER LOGNAME HOME)} = ($name, $name, $home);
}

my $killed = 0;
my $signalled = 0;    # any signal sent: an end that follows is not the command's own
sub signal_group {
  my ($sig) = @_;
  $signalled = 1;
  # The group and the leader itself: the leader may not have made its group yet.
  kill($sig, -$pid);
  kill($sig, $pid);
}
# Every live process below this watchdog, from /proc: the command's group and whatever left it.
sub descendants {
  my %children;
  opendir(my $proc, '/proc') or return ();
  for my $p (grep { /^\d+$/ } readdir($proc)) {
    open(my $stat, '<', "/proc/$p/stat") or next;
    my $line = <$stat>;
    # pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    next unless defined $line && $line =~ /^.*\)\s+(\S)\s+(\d+)/s;
    push(@{$children{$2}}, [$p, $1]);
  }
  my @found;
  my @next = ($$);
  while (@next) {
    for my $child (@{$children{shift @next} || []}) {
      push(@next, $child->[0]);
      push(@found, $child->[0]) unless $child->[1] eq 'Z';
    }
  }
  return @found;
}
# The command's group, then every descendant: one that called setsid is not in the group.
sub signal_tree {
  my ($sig) = @_;
  signal_group($sig);
  my @rest = descendants();
  kill($sig, @rest) if @rest;
}
# A signal meant for this watchdog (Ctrl-C, a service stop) is passed on as SIGTERM.
$SIG{$_} = sub { signal_tree('TERM') } for qw(INT TERM HUP);

my $open = 1;
my $buf = '';
my $status;
while (1) {
  # Reaps adopted orphans too (1: WNOHANG), so that their zombies do not pile up.
  while ((my $got = waitpid(-1, 1)) > 0) { $status = $? if $got == $pid; }
  last if defined $status;
  my $timeout = 1.0;
  if (defined $deadline) {
    my $left = $deadline - now();
    if ($left <= 0) {
      signal_tree('KILL');
      $killed = 1;
      $deadline = undef;
      next;
    }
    $timeout = $left if $left < $timeout;
  }
  my $rin = '';
  vec($rin, fileno($wake_r), 1) = 1;
  vec($rin, fileno($in), 1) = 1 if $open;
  my $n = select(my $rout = $rin, undef, undef, $timeout);
  next if $n <= 0;
  sysread($wake_r, my $drop, 64) if vec($rout, fileno($wake_r), 1);
  next unless $open && vec($rout, fileno($in), 1);
  my $k = sysread($in, $buf, 4096, length $buf);
  if (!$k) {
    $open = 0;    # the worker is gone: nobody vouches for the command any more
    signal_tree('KILL');
    $killed = 1;
    next;
  }
  while ($buf =~ s/^([^\n]*)\n//) {
    my $line = $1;
    if ($line =~ /^D (\d+)$/) { $deadline = now() + $1 / 1000 unless $killed; }
    elsif ($line eq 'T') { signal_tree('TERM'); }
    elsif ($line eq 'K') { signal_tree('KILL'); $killed = 1; $deadline = undef; }
  }
}
# A run that was signalled ends whole: what is left below this watchdog (a descendant that trapped
# TERM, or one that forked while it was being killed) is killed until none is left (at most ~2 s).
if ($signalled) {
  for (1 .. 100) {
    my @rest = descendants();
    last unless @rest;
    kill('KILL', @rest);
    select(undef, undef, undef, 0.02);
    1 while waitpid(-1, 1) > 0;
  }
}
my $sig = $status & 127;
my $code = $sig ? 128 + $sig : $status >> 8;
if (defined $exit_note && !($signalled && $sig)) {
  if (open(my $note, '>', "$exit_note.tmp")) {
    print $note "$code\n";
    close($note) && rename("$exit_note.tmp", $exit_note);
  }
}
exit($code);
