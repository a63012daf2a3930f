# shellcheck shell=bash
# Sourced by scripts/containers/images.sh: the Debian base image, without a registry.
#
# A real registry's debian:trixie-slim is what the Dockerfiles start FROM in production. Where no registry
# answers (this project's build machines), the same name and tag are filled by a root file system made with
# debootstrap from deb.debian.org and slimmed the way the official slim images are (dpkg excludes docs, man
# pages and locales; apt keeps no caches or lists), then imported into the private daemon. The tarball is
# cached, so a fresh daemon imports it in seconds instead of bootstrapping again.
# Settings:
#   BOXOFFICE_BASE_IMAGE   the image name (default debian:trixie-slim; the Dockerfiles' BASE_IMAGE argument)
#   BOXOFFICE_CACHE_DIR    where the tarball is kept (default ${XDG_CACHE_HOME:-~/.cache}/boxoffice)
#   BOXOFFICE_DEBIAN_MIRROR  (default http://deb.debian.org/debian)

BASE_IMAGE=${BOXOFFICE_BASE_IMAGE:-debian:trixie-slim}
BASE_SUITE=trixie
CACHE_DIR=${BOXOFFICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/boxoffice}
DEBIAN_MIRROR=${BOXOFFICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE_TARBALL=$CACHE_DIR/debian-$BASE_SUITE-minbase-$(dpkg --print-architecture 2>/dev/null || uname -m).tar.gz

# Makes sure the daemon has BASE_IMAGE: already there, pulled from a registry when one answers
# (BOXOFFICE_BASE_PULL=1), or imported from the cached (or freshly bootstrapped) tarball.
ensure_base_image() {
  if dk image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "  base image $BASE_IMAGE: present"
    return 0
  fi
  if [ "${BOXOFFICE_BASE_PULL:-0}" = 1 ]; then
    echo "  base image $BASE_IMAGE: pulling"
    dk pull "$BASE_IMAGE"
    return 0
  fi
  if [ ! -s "$BASE_TARBALL" ]; then
    bootstrap_base_tarball
  fi
  echo "  base image $BASE_IMAGE: importing $BASE_TARBALL"
  gzip -dc "$BASE_TARBALL" | dk import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $BASE_SUITE $DEBIAN_MIRROR (scripts/containers/debian-base.sh)" \
    - "$BASE_IMAGE" >/dev/null
}

bootstrap_base_tarball() {
  local start=$SECONDS
  # Under the daemon's directory, not /tmp: debootstrap runs programs inside the tree (a noexec /tmp breaks it).
  local rootfs="$DOCKER_DIR/debootstrap-rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs" "$CACHE_DIR"
  echo "  base image $BASE_IMAGE: debootstrap --variant=minbase $BASE_SUITE (about a minute)"
  if ! debootstrap --variant=minbase "$BASE_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$DOCKER_DIR/debootstrap.log" 2>&1; then
    echo "error: debootstrap failed; the end of $DOCKER_DIR/debootstrap.log:" >&2
    tail -n 20 "$DOCKER_DIR/debootstrap.log" >&2
    unmount_below "$rootfs"
    return 1
  fi
  unmount_below "$rootfs"
  slim_rootfs "$rootfs"
  tar --numeric-owner --xattrs -C "$rootfs" -c . | gzip -1 >"$BASE_TARBALL.part"
  mv "$BASE_TARBALL.part" "$BASE_TARBALL"
  rm -rf "$rootfs"
  echo "  base image: cached $BASE_TARBALL ($(du -h "$BASE_TARBALL" | cut -f1), $((SECONDS - start)) s)"
}

unmount_below() {
  local mount
  for mount in $(awk -v root="$1/" 'index($2, root) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
}

# What debian:trixie-slim does differently from a plain minbase tree.
slim_rootfs() {
  local r=$1
  cat >"$r/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
# Like the official slim images: no documentation, manual pages or translations in containers.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
DPKG
  cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  echo 'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$r/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$r/etc/apt/apt.conf.d/docker-autoremove-suggests"
  # Security and point-release updates, as the official image lists them.
  rm -f "$r/etc/apt/sources.list"
  cat >"$r/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $BASE_SUITE $BASE_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $BASE_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* "$r"/usr/share/lintian \
    "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* \
    "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old "$r"/tmp/* "$r"/root/.bash_history
  find "$r/var/log" -type f -delete
  # Filled in by the container runtime.
  : >"$r/etc/machine-id"
  rm -f "$r/etc/hostname" "$r/etc/resolv.conf"
  : >"$r/etc/resolv.conf"
}
