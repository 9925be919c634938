# etcron run watchdog: runs one command in a session of its own and kills its whole process group
# when the worker stops vouching for it. The worker feeds it over the control channel (stdin, or
# the FIFO named by --control):
#   D <ms>   the lease stays valid for at least <ms> more milliseconds: kill unless fed again by then
#   T        send SIGTERM to the command's process group
#   K        send SIGKILL to the command's process group
# End of input (the worker died or closed the channel) kills the group at once with SIGKILL. A
# missed deadline does too: a worker frozen by SIGSTOP or a long pause cannot leave its command
# running past its lease. Exits with the command's exit code, or 128 + N if signal N ended it.
use strict;
use warnings;
use POSIX qw(setsid WNOHANG _exit);
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

my $control;
if (@ARGV && $ARGV[0] eq '--control') { shift @ARGV; $control = shift @ARGV; }
my $budget = shift @ARGV;    # milliseconds until the first deadline, or "-" for none
die "usage: watchdog [--control FIFO] MS|- COMMAND...\n" unless defined $budget && @ARGV;

sub now { clock_gettime(CLOCK_MONOTONIC) }
my $deadline = $budget eq '-' ? undef : now() + $budget / 1000;

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
  setsid();
  open(STDIN, '<', '/dev/null') unless defined $control;
  { exec { $ARGV[0] } @ARGV; }
  print STDERR "etcron: cannot run $ARGV[0]: $!\n";
  _exit(127);
}

my $killed = 0;
sub signal_group {
  my ($sig) = @_;
  # The group and the leader itself: the leader may not have called setsid() yet.
  kill($sig, -$pid);
  kill($sig, $pid);
}
# A signal meant for this watchdog (Ctrl-C, a service stop) is passed on as SIGTERM.
$SIG{$_} = sub { signal_group('TERM') } for qw(INT TERM HUP);

my $open = 1;
my $buf = '';
my $status;
while (1) {
  my $got = waitpid($pid, WNOHANG);
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
exit($sig ? 128 + $sig : $status >> 8);
