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
# No modules: it starts for every run, and loading POSIX and Time::HiRes cost more than the rest.
# Time comes from /proc/uptime (CLOCK_BOOTTIME, 10 ms steps): monotonic, and it keeps counting
# while the machine is suspended, as the lease's expiry in etcd does.

my ($control, $exit_note);
while (@ARGV && $ARGV[0] =~ /^--(control|exit)$/) {
  shift @ARGV;
  if ($1 eq 'control') { $control = shift @ARGV; } else { $exit_note = shift @ARGV; }
}
# The first deadline: "@<ms>" on /proc/uptime's clock (absolute: the worker may have been frozen
# between choosing it and this start), "<ms>" from now, or "-" for none.
my $budget = shift @ARGV;
die "usage: watchdog [--control FIFO] [--exit FILE] @MS|MS|- COMMAND...\n"
  unless defined $budget && @ARGV;

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
pipe(my $wake_r, my $wake_w) or die "watchdog: pipe: $!\n";
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };

my $pid = fork();
die "watchdog: fork: $!\n" unless defined $pid;
if ($pid == 0) {
  close($wake_r);
  close($wake_w);
  open(STDIN, '<', '/dev/null') unless defined $control;
  # setsid(1) calls setsid() and execs in place (a forked child leads no group yet), so the
  # command keeps this pid and leads a session and process group of its own: one signal reaches
  # its whole tree, and a terminal's job control does not.
  { exec { 'setsid' } 'setsid', @ARGV; }
  print STDERR "etcron: cannot run $ARGV[0]: $!\n";
  exit(127);
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
# A signal meant for this watchdog (Ctrl-C, a service stop) is passed on as SIGTERM.
$SIG{$_} = sub { signal_group('TERM') } for qw(INT TERM HUP);

my $open = 1;
my $buf = '';
my $status;
while (1) {
  my $got = waitpid($pid, 1);    # 1: WNOHANG
  if ($got == $pid) { $status = $?; last; }
  my $timeout = 1.0;
  if (defined $deadline) {
    my $left = $deadline - now();
    if ($left <= 0) {
      signal_group('KILL');
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
    signal_group('KILL');
    $killed = 1;
    next;
  }
  while ($buf =~ s/^([^\n]*)\n//) {
    my $line = $1;
    if ($line =~ /^D (\d+)$/) { $deadline = now() + $1 / 1000 unless $killed; }
    elsif ($line eq 'T') { signal_group('TERM'); }
    elsif ($line eq 'K') { signal_group('KILL'); $killed = 1; $deadline = undef; }
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
