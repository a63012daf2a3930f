# Sourced by ./boxoffice, ./bookingctl and the scripts: finds a JDK >= 21 once and remembers it.
#
#   . scripts/lib/java.sh
#   boxoffice_java_home        sets and exports JAVA_HOME, or prints how to install a JDK and returns 1
#   boxoffice_java_major HOME  the feature version of the JDK at HOME (25 for 25.0.3), from its release file
#   boxoffice_quiet_java_opts  JVM flags that keep gRPC's Netty from printing sun.misc.Unsafe warnings
#
# The search never starts a JVM: a JDK's `release` file names its version. The choice is kept in
# .boxoffice/jdk-home (git-ignored) and re-checked the same cheap way on every call, so a JDK that was
# removed or replaced is noticed. $JAVA_HOME wins whenever it qualifies.

BOXOFFICE_JAVA_MIN=21
BOXOFFICE_JDK_CACHE="${BOXOFFICE_JDK_CACHE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.boxoffice/jdk-home}"

boxoffice_java_major() {
  local version
  [ -r "$1/release" ] || return 1
  version=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release")
  [ -n "$version" ] || return 1
  echo "$version"
}

# A JDK (not a JRE: Maven needs javac) of at least BOXOFFICE_JAVA_MIN.
boxoffice_jdk_qualifies() {
  local major
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  major=$(boxoffice_java_major "$1") || return 1
  [ "$major" -ge "$BOXOFFICE_JAVA_MIN" ]
}

boxoffice_find_jdk() {
  local home candidate best="" best_major=0 major
  if [ -n "${JAVA_HOME:-}" ] && boxoffice_jdk_qualifies "$JAVA_HOME"; then
    echo "$JAVA_HOME"; return 0
  fi
  if [ -r "$BOXOFFICE_JDK_CACHE" ]; then
    home=$(cat "$BOXOFFICE_JDK_CACHE")
    if boxoffice_jdk_qualifies "$home"; then echo "$home"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if boxoffice_jdk_qualifies "$home"; then best=$home; fi
  fi
  if [ -z "$best" ]; then
    for candidate in /usr/lib/jvm/*; do
      [ -d "$candidate" ] && boxoffice_jdk_qualifies "$candidate" || continue
      major=$(boxoffice_java_major "$candidate")
      if [ "$major" -gt "$best_major" ]; then best=$candidate; best_major=$major; fi
    done
  fi
  [ -n "$best" ] || return 1
  # Best effort: a read-only checkout still works, it only searches again next time.
  { mkdir -p "$(dirname "$BOXOFFICE_JDK_CACHE")" && echo "$best" >"$BOXOFFICE_JDK_CACHE"; } 2>/dev/null || true
  echo "$best"
}

boxoffice_java_home() {
  local home
  if ! home=$(boxoffice_find_jdk); then
    echo "No JDK $BOXOFFICE_JAVA_MIN or newer found (looked at \$JAVA_HOME, javac on the PATH and /usr/lib/jvm)." >&2
    echo "Install one (Debian 13: apt-get install -y openjdk-21-jdk-headless; elsewhere Temurin from" \
         "https://adoptium.net) or set JAVA_HOME to it." >&2
    return 1
  fi
  JAVA_HOME=$home
  export JAVA_HOME
}

# JDK 24+ warns when a library calls sun.misc.Unsafe's memory methods (JEP 498), which gRPC's shaded
# Netty does; allowing them is what the JEP says to do for such libraries. JDK 21..23 do not know the
# flag (they would refuse to start), and do not warn.
boxoffice_quiet_java_opts() {
  local major
  major=$(boxoffice_java_major "${1:-$JAVA_HOME}") || return 0
  if [ "$major" -ge 24 ]; then
    echo "--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  fi
}
