# Sourced by bookingctl and scripts/chaos.sh: build a module's jar with the reactor when it is missing or
# older than its sources. Expects ROOT (the repository) and JAVA_HOME set.

# usage: boxoffice_stale JAR PATH...   true when JAR is missing or a file under a PATH is newer
boxoffice_stale() {
  local jar=$1; shift
  [ -f "$jar" ] || return 0
  [ -n "$(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}

# usage: boxoffice_build WHAT MODULES    ./mvnw package for MODULES (comma-separated) and what they need
boxoffice_build() {
  echo "$1: building (once; a few minutes the first time)..." >&2
  (cd "$ROOT" && ./mvnw -B -q -ntp package -DskipTests -pl "$2" -am) >&2
}
