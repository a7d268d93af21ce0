# Sourced by scripts/demo and scripts/test: installs, by name, the Debian/Ubuntu packages Herald builds with.
HERALD_PACKAGES=(
  cmake ninja-build g++ ccache pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libqt6sql6-sqlite libqt6svg6 libgl-dev
  qt6-qpa-plugins tzdata
  libcurl4-openssl-dev libkainjow-mustache-dev qtkeychain-qt6-dev
  python3-aiosmtpd openssl libssl-dev
  postgresql libqt6sql6-psql libpq-dev
  mariadb-server libqt6sql6-mysql
  clang libclang-rt-14-dev
  rpm lintian appstream desktop-file-utils systemd man-db
)

herald_install_packages() {
  local missing=()
  for p in "${HERALD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Need root or sudo to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" \
    || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends "${missing[@]}"; }
}

herald_build() {
  cmake --preset release
  cmake --build --preset release "$@"
}
