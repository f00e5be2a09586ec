#!/bin/bash
# mmdebstrap --customize-hook for tests/lib/realsys.sh: ROOT is $1.
# Hostname, fstab, a passwordless root on the console, and
# realsys-report.service, which waits for the boot to finish, prints what
# the tests check to the serial console and powers off.
set -euo pipefail
d=$1
echo realsys >"$d/etc/hostname"
printf 'LABEL=realroot / ext4 defaults 0 1\n' >"$d/etc/fstab"
# No password for root on the console: the report unit does the work.
chroot "$d" passwd -d root >/dev/null
cat >"$d/usr/local/sbin/realsys-report" <<'SCRIPT'
#!/bin/sh
# Waits for the boot to finish, prints what the test checks, powers off.
state=$(systemctl is-system-running --wait)
{
echo "REALSYS state=$state"
echo "REALSYS failed-begin"
systemctl --failed --no-legend --plain
echo "REALSYS failed-end"
echo "REALSYS initrd-lines=$(journalctl -b -o cat | grep -c 'initrd')"
echo "REALSYS switch-root=$(journalctl -b -o cat | grep -c 'Switching root')"
echo "REALSYS fsck-begin"
journalctl -b -o cat | grep -E 'fsck|: clean, ' || true
echo "REALSYS fsck-end"
echo "REALSYS mounts-begin"
findmnt -rn -o TARGET,SOURCE,OPTIONS --target / || true
findmnt -rn -o TARGET,SOURCE,OPTIONS --mountpoint /var || true
echo "REALSYS mounts-end"
echo "REALSYS analyze: $(systemd-analyze 2>&1 | head -n 1)"
echo "REALSYS warnings-begin"
journalctl -b -p warning -o short-monotonic --no-pager | grep -v '^-- ' || true
echo "REALSYS warnings-end"
# The initrd phase by the monotonic clock: from PID 1's "Running in
# initrd." to its "Switching root." (issue #20: no warning may fall in it).
stamp() { sed -n "s/^\[ *\([0-9.]*\)\] [^ ]* systemd\[1\]: $1.*/\1/p" | head -n 1; }
from=$(journalctl -b -o short-monotonic --no-pager | stamp 'Running in initrd')
to=$(journalctl -b -o short-monotonic --no-pager | stamp 'Switching root')
echo "REALSYS initrd-span=${from:-none} ${to:-none}"
echo "REALSYS initrd-warnings-begin"
if [ -n "$from" ] && [ -n "$to" ]; then
  journalctl -b -p warning -o short-monotonic --no-pager | grep -v '^-- ' |
    awk -v from="$from" -v to="$to" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t)
      if (t + 0 >= from + 0 && t + 0 <= to + 0) print }'
fi
echo "REALSYS initrd-warnings-end"
echo "REALSYS-DONE"
} >/run/realsys-report.txt 2>&1
# One write(2), which the tty layer does not interleave: the serial getty
# printing its issue and prompt meanwhile landed a blank line inside the
# list of failed units.
cat /run/realsys-report.txt >/dev/ttyS0
systemctl poweroff
SCRIPT
chmod 755 "$d/usr/local/sbin/realsys-report"
cat >"$d/etc/systemd/system/realsys-report.service" <<'UNIT'
[Unit]
Description=Report the boot to the test and power off
After=multi-user.target

[Service]
# simple: the boot transaction does not wait for it, so the system can
# reach "running" while it waits.
Type=simple
ExecStart=/usr/local/sbin/realsys-report

[Install]
WantedBy=multi-user.target
UNIT
chroot "$d" systemctl enable realsys-report.service
