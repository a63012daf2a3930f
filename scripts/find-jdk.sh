#!/usr/bin/env bash
# Prints the home of a JDK >= 21 ($JAVA_HOME if it qualifies, else the one found before, else javac on the
# PATH, else the newest under /usr/lib/jvm) without starting a JVM; exits 1 saying how to install one.
# Scripts that are bash can source scripts/lib/java.sh instead (it also gives the quiet JVM flags).
set -euo pipefail
. "$(dirname "$0")/lib/java.sh"
boxoffice_java_home
echo "$JAVA_HOME"
