#!/usr/bin/env bash
# Prints the home of a JDK >= 21: $JAVA_HOME if it qualifies, else `java` on the PATH, else the
# newest JDK under /usr/lib/jvm. Exits 1 with a message saying how to fix it when none is found.
set -euo pipefail

java_major() {
  local java_bin="$1/bin/java"
  [ -x "$java_bin" ] || return 1
  "$java_bin" -XshowSettings:properties -version 2>&1 \
    | awk -F' = ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

qualifies() {
  local major
  major=$(java_major "$1" 2>/dev/null) || return 1
  [ -n "$major" ] && [ "$major" -ge 21 ] && [ -x "$1/bin/javac" ]
}

if [ -n "${JAVA_HOME:-}" ] && qualifies "$JAVA_HOME"; then
  echo "$JAVA_HOME"; exit 0
fi
if command -v javac >/dev/null 2>&1; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  if qualifies "$home"; then echo "$home"; exit 0; fi
fi
best=""; best_major=0
for candidate in /usr/lib/jvm/*; do
  [ -d "$candidate" ] || continue
  major=$(java_major "$candidate" 2>/dev/null || true)
  if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ] && [ -x "$candidate/bin/javac" ]; then
    best="$candidate"; best_major="$major"
  fi
done
if [ -n "$best" ]; then echo "$best"; exit 0; fi
echo "No JDK 21 or newer found. Install one (for example: apt-get install openjdk-21-jdk-headless)" \
     "or set JAVA_HOME to it." >&2
exit 1
