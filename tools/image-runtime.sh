#!/usr/bin/env sh
# Builds the Java runtime layer of the container images for machines that reach no container
# registry (Jib then starts from "scratch" instead of pulling a JRE image): a jlink'd runtime
# from the JDK that runs this script, the shared libraries it links against from this system,
# and a minimal /etc/passwd. Usage: tools/image-runtime.sh [OUTPUT_DIR]   (default target/image-runtime)
# The images themselves: ./mvnw -Pimages,images-offline package -DskipTests (see apphost/README.md).
set -eu
cd "$(dirname "$0")/.."
out=${1:-target/image-runtime}
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ -d "$java_home/jmods" ] || { echo "$java_home has no jmods: jlink needs a full JDK (Debian: openjdk-17-jmods)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"
# The modules Spring Boot, Kafka's client, gRPC and PostgreSQL's driver use, plus jcmd and JFR
# for diagnosing a running pod.
"$java_home/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.management.agent,jdk.jfr,jdk.naming.dns,jdk.zipfs,jdk.httpserver,jdk.jcmd \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/opt/java"
# Every shared library the runtime's programs and libraries need, and the program loader,
# copied to the path the loader looks for it at (not those of a display or sound: the
# services run headless).
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
  ! -name libawt_xawt.so ! -name libjawt.so ! -name libsplashscreen.so ! -name libjsound.so -exec ldd {} \; 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u \
  | while read -r lib; do
      mkdir -p "$out$(dirname "$lib")"
      cp -L "$lib" "$out$lib"
    done
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$out/etc/group"
echo "Java runtime for the images in $out ($(du -sh "$out" | cut -f1))"
