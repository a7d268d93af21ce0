#!/usr/bin/env bash
# Builds the .deb, .rpm and .tar.gz with cpack from a built tree, checks them (lintian, appstreamcli,
# desktop-file-validate, systemd-analyze, the three file lists), installs the .deb with apt-get, runs
# the installed programs on a temporary store, and removes the package again, also when a check fails.
#
#   test_packages.sh BUILD_DIR
#
# Needs root (or password-less sudo) for apt-get; exits 77 (skipped) when neither is available.
# Run by ctest as `packages_install` (RUN_SERIAL: it installs into the machine's package database).
set -euo pipefail

build=${1:?usage: test_packages.sh BUILD_DIR}
build=$(cd "$build" && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "SKIP: installing the .deb needs root or password-less sudo" >&2
    exit 77
  fi
fi
for tool in cpack dpkg-deb dpkg-shlibdeps rpmbuild rpm lintian appstreamcli desktop-file-validate systemd-analyze apt-get setpriv python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed; scripts/deps.sh installs it (run ./scripts/test)"
done
export DEBIAN_FRONTEND=noninteractive
apt_options=(-y -q -o DPkg::Lock::Timeout=300 --no-install-recommends)

# One such test per machine at a time, whichever checkout runs it: they share the package database.
lock=/tmp/herald-packages-test.lock
exec 9>>"$lock"
flock -w 900 9 || fail "another packaging test has held $lock for 15 minutes"

if dpkg-query -W -f='${Status}' herald 2>/dev/null | grep -q "install ok installed"; then
  fail "a herald package is already installed here; remove it (apt-get remove herald) so that this test installs its own"
fi

work=$(mktemp -d /tmp/herald-packages.XXXXXX)
chmod 755 "$work" # the unprivileged checks below read stores from here
installed=no
cleanup() {
  local status=$?
  if [ "$installed" = yes ]; then
    echo "--- removing the herald package"
    $sudo apt-get purge "${apt_options[@]}" herald >/dev/null || echo "could not remove the herald package" >&2
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "cpack: DEB, RPM, TGZ"
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/out" -G "DEB;RPM;TGZ" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log" >&2; fail "cpack could not build the packages"; }
deb=$(ls "$work"/out/herald_*.deb)
rpmfile=$(ls "$work"/out/herald-*.rpm)
tgz=$(ls "$work"/out/herald-*.tar.gz)
echo "$(basename "$deb") $(basename "$rpmfile") $(basename "$tgz")"

step "control: version, section, Depends from shlibdeps"
version=$(dpkg-deb -f "$deb" Version)
[ "$version" = "$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")-1" ] || fail "the .deb version $version is not the project's"
[ "$(dpkg-deb -f "$deb" Section)" = net ] || fail "the .deb has no section"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libqt6widgets6 libqt6sql6 libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins tzdata libc6; do
  grep -q "\b$d\b" <<<"$depends" || fail "Depends lacks $d: $depends"
done

step "file lists: .deb, .rpm and .tar.gz hold the same files"
dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | sed 's|^\./|/|' | sort >"$work/deb.files"
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpmfile" 2>/dev/null | grep -v '^d' | cut -d' ' -f2- | sort >"$work/rpm.files"
tar -tzf "$tgz" | grep -v '/$' | cut -d/ -f2- | sed 's|^|/|' | sort >"$work/tgz.files"
[ -s "$work/deb.files" ] || fail "the .deb lists no files"
diff -u "$work/deb.files" "$work/rpm.files" || fail "the .rpm does not hold the same files as the .deb"
diff -u "$work/deb.files" "$work/tgz.files" || fail "the .tar.gz does not hold the same files as the .deb"
for f in /usr/bin/herald /usr/bin/heraldctl /usr/share/applications/io.github.herald.Herald.desktop \
         /usr/share/metainfo/io.github.herald.Herald.metainfo.xml /usr/share/mime/packages/io.github.herald.Herald.xml \
         /usr/share/icons/hicolor/scalable/apps/io.github.herald.Herald.svg /usr/share/icons/hicolor/48x48/apps/io.github.herald.Herald.png \
         /usr/share/man/man1/herald.1.gz /usr/share/man/man1/heraldctl.1.gz /usr/share/bash-completion/completions/heraldctl \
         /usr/lib/systemd/system/herald-worker.service /usr/lib/systemd/system/herald-serve.service /etc/herald/herald.conf; do
  grep -qx "$f" "$work/deb.files" || fail "the packages lack $f"
done
echo "$(wc -l <"$work/deb.files") files in each"
rpm -qp --configfiles "$rpmfile" 2>/dev/null | grep -qx /etc/herald/herald.conf || fail "the .rpm does not mark /etc/herald/herald.conf as a config file"

step "lintian (no errors)"
lintian --fail-on error "$deb" | tee "$work/lintian.log" || fail "lintian reports errors on $(basename "$deb")"

step "desktop files, AppStream, MIME"
mkdir "$work/root"
dpkg-deb -x "$deb" "$work/root"
desktop-file-validate "$work"/root/usr/share/applications/*.desktop || fail "desktop-file-validate"
appstreamcli validate --no-net --explain "$work/root/usr/share/metainfo/io.github.herald.Herald.metainfo.xml" \
  || fail "appstreamcli validate"
grep -q "^MimeType=.*application/x-herald-store" "$work/root/usr/share/applications/io.github.herald.Herald.ReadOnly.desktop" \
  || fail "no desktop entry opens application/x-herald-store"
grep -q '^Exec=herald --read-only %f' "$work/root/usr/share/applications/io.github.herald.Herald.ReadOnly.desktop" \
  || fail "stores opened from a file manager must open read-only"

step "apt-get install ./$(basename "$deb")"
installed=yes # from here on the trap removes it, whatever happens
$sudo apt-get install "${apt_options[@]}" "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install"; }
[ "$(command -v herald)" = /usr/bin/herald ] || fail "herald is not /usr/bin/herald after the install"
[ "$(command -v heraldctl)" = /usr/bin/heraldctl ] || fail "heraldctl is not /usr/bin/heraldctl after the install"

step "desktop integration after the triggers"
[ -f /usr/share/mime/application/x-herald-store.xml ] || fail "shared-mime-info did not register application/x-herald-store"
if command -v update-desktop-database >/dev/null; then
  grep -q "^application/x-herald-store=.*io.github.herald.Herald.ReadOnly.desktop" /usr/share/applications/mimeinfo.cache \
    || fail "the desktop database does not open application/x-herald-store with Herald (read-only)"
fi

step "systemd units"
systemd-analyze verify /usr/lib/systemd/system/herald-worker.service /usr/lib/systemd/system/herald-serve.service \
  || fail "systemd-analyze verify"
for unit in herald-worker herald-serve; do
  grep -q '^DynamicUser=yes' /usr/lib/systemd/system/$unit.service || fail "$unit must not run as root"
  # Exposure 2.0 or less on systemd's 0-10 scale ("OK"); the units score 1.2.
  systemd-analyze security --offline=true --threshold=20 /usr/lib/systemd/system/$unit.service >"$work/security.log" 2>&1 \
    || { tail -3 "$work/security.log" >&2; fail "$unit is less hardened than it was"; }
  tail -1 "$work/security.log"
done

step "installed programs on a temporary store"
export QT_QPA_PLATFORM=offscreen
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset HERALD_DB
store="$work/store.db"
/usr/bin/herald --version | tee "$work/version.out"
grep -q "herald ${version%-*}" "$work/version.out" || fail "herald --version does not say ${version%-*}"
/usr/bin/heraldctl --help >"$work/help.out"
grep -q "Usage: heraldctl" "$work/help.out" || fail "heraldctl --help"
/usr/bin/heraldctl --db "$store" init
/usr/bin/heraldctl --db "$store" demo
/usr/bin/heraldctl --db "$store" stats | tee "$work/stats.out"
for q in event-messages incentive-notify send-event; do grep -q "$q" "$work/stats.out" || fail "stats lacks the demo queue $q"; done
/usr/bin/herald --self-test --db "$store" | tee "$work/selftest.out"
grep -q "OK: $store opened read-only in the main window; 3 queues" "$work/selftest.out" || fail "herald --self-test"
man -w heraldctl >/dev/null && man -w herald >/dev/null || fail "the man pages are not found by man"
completions=$(bash -c 'source /usr/share/bash-completion/completions/heraldctl; COMP_WORDS=(heraldctl wo); COMP_CWORD=1; _heraldctl; echo "${COMPREPLY[*]}"')
[ "$completions" = work ] || fail "bash completion of 'heraldctl wo' gave '$completions'"

step "bad stores: the installed self-test and worker fail with a clear message"
expect_failure() { # STATUS WHAT -- COMMAND…: exits with STATUS and says WHAT on stderr
  local want=$1 what=$2 status=0; shift 3
  "$@" >"$work/bad.out" 2>"$work/bad.err" || status=$?
  [ "$status" -eq "$want" ] || { cat "$work/bad.err" >&2; fail "$* exited $status, not $want"; }
  grep -q -- "$what" "$work/bad.err" || { cat "$work/bad.err" >&2; fail "$* did not say '$what'"; }
  echo "ok ($status): $(grep -m1 -- "$what" "$work/bad.err")"
}
expect_failure 1 "store '$work/missing.db' does not exist; create it with" -- /usr/bin/herald --self-test --db "$work/missing.db"
expect_failure 2 "store '$work/missing.db' does not exist; create it first" -- /usr/bin/heraldctl --db "$work/missing.db" work --until-idle
[ ! -e "$work/missing.db" ] || fail "the worker created a missing store"
cp "$store" "$work/newer.db"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)"); c.commit()' "$work/newer.db"
expect_failure 1 "newer than this Herald knows.*upgrade Herald" -- /usr/bin/herald --self-test --db "$work/newer.db"
expect_failure 2 "newer than this Herald knows.*upgrade Herald" -- /usr/bin/heraldctl --db "$work/newer.db" work --until-idle
# Unreadable: as an unprivileged user (root reads anything), a store only root may read.
cp "$store" "$work/private.db" && chmod 600 "$work/private.db"
as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp XDG_RUNTIME_DIR= QT_QPA_PLATFORM=offscreen)
expect_failure 1 "'$work/private.db'.*check the path and its permissions" -- "${as_nobody[@]}" /usr/bin/herald --self-test --db "$work/private.db"
expect_failure 2 "'$work/private.db'.*check the path and its permissions" -- "${as_nobody[@]}" /usr/bin/heraldctl --db "$work/private.db" work --until-idle

step "apt-get purge herald"
$sudo apt-get purge "${apt_options[@]}" herald >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get purge"; }
installed=no
[ ! -e /usr/bin/herald ] && [ ! -e /etc/herald/herald.conf ] || fail "files are left after apt-get purge herald"
echo "PASS"
