# Sourced by ./boxoffice test: the system tools the test suite runs, beside the JDK and Maven (the wrapper).
# As root, missing ones are installed from Debian; otherwise the command stops at once and prints the one
# apt-get line that installs them. (etcd and python3 are only for scripts/benchmark.sh, which checks them.)

# tool:Debian package:who needs it
BOXOFFICE_TEST_TOOLS=(
  "promtool:prometheus:the dashboard and alert-rule tests (deploy/verify) parse every query with it"
  "dnsmasq:dnsmasq-base:DnsDiscoveryIT answers the pods' headless-service names with it"
  "ip:iproute2:DnsDiscoveryIT and ChaosShortRunIT put nodes in network namespaces"
  "tmux:tmux:LocalClusterIT drives the interactive menu in a tmux pane"
  "curl:curl:LocalClusterIT runs ./boxoffice, which reads the nodes' health with it"
  "openssl:openssl:LocalClusterIT runs ./boxoffice up, which makes the dev keys with it"
  "prometheus:prometheus:PrometheusAlertsIT (deploy/live) runs the server with the alert rules"
  "dockerd:docker.io:ContainerClusterIT (deploy/live) builds and runs the images on a private Docker daemon"
  "debootstrap:debootstrap:./boxoffice images makes the Debian base image with it (no registry needed)"
)

boxoffice_has_tool() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

# usage: boxoffice_test_prerequisites [maven args...]
# With no arguments (the whole suite) anything missing stops the run; with arguments (a narrowed run,
# e.g. -pl raft) it only warns, since most modules need none of these.
boxoffice_test_prerequisites() {
  local entry tool package why packages=() reasons=() whole_suite=yes
  [ "$#" -eq 0 ] || whole_suite=no
  for entry in "${BOXOFFICE_TEST_TOOLS[@]}"; do
    IFS=: read -r tool package why <<<"$entry"
    if ! boxoffice_has_tool "$tool"; then
      packages+=("$package")
      reasons+=("  $tool ($package): $why")
    fi
  done
  if [ "${#packages[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing what the tests need from Debian: ${packages[*]}"
      printf '%s\n' "${reasons[@]}"
      # Packages such as docker.io and prometheus start a system service on installation (docker's with its
      # default flags rewrites the iptables FORWARD policy); a policy-rc.d that refuses every start prevents
      # that for the time of the installation. The tests run their own daemon and server.
      local policy=/usr/sbin/policy-rc.d added_policy=no status=0
      if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# Added by ./boxoffice test for the time of an apt-get install: start no service.\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        added_policy=yes
      fi
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
          "${packages[@]}" >/dev/null; } || status=$?
      if [ "$added_policy" = yes ]; then rm -f "$policy"; fi
      [ "$status" -eq 0 ] || { echo "apt-get install ${packages[*]} failed (exit $status)" >&2; return 1; }
    else
      {
        echo "The tests need tools that are not installed:"
        printf '%s\n' "${reasons[@]}"
        echo "Install them with:"
        echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}"
        echo "(or run ./boxoffice test as root, which installs them)"
      } >&2
      [ "$whole_suite" = yes ] && return 1
      echo "Going on with the narrowed run; a test that needs one of them will fail." >&2
    fi
  fi
  if [ "$(id -u)" != 0 ]; then
    {
      echo "DnsDiscoveryIT and ChaosShortRunIT create network namespaces, which needs root:"
      echo "  sudo ./boxoffice test"
    } >&2
    [ "$whole_suite" = yes ] && return 1
    echo "Going on with the narrowed run; those tests fail or skip without root." >&2
  fi
  return 0
}
