#!/bin/sh
# Install missing system packages with apt-get (as root, or through passwordless sudo);
# otherwise say exactly what to install and fail.
# Argument: space-separated "command:package" pairs; a package is needed when its command is missing
# (a "command" starting with / is a path that must exist, for packages without a command, e.g. voices;
# "__force__:pkg" always installs pkg).
missing=""
for pair in $1; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    case "$cmd" in
        /*) if [ -e "$cmd" ]; then continue; fi ;;
        __force__) ;;
        *) if command -v "$cmd" >/dev/null 2>&1; then continue; fi ;;
    esac
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"
else
    echo "audiocast needs these system packages:$missing" >&2
    echo "install them with:  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing system packages:$missing"
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
