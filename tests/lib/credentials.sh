# Credential test helpers.
#
#   credential_test_tree DIR   an --extra-tree for the initrd with two units,
#       wanted by initrd.target, that print the credentials they get on the
#       console as "INITPACK-CREDENTIAL NAME=VALUE" (the boot goes on either
#       way):
#         initpack-test-credentials: LoadCredentialEncrypted=initpack.esp
#                                    LoadCredentialEncrypted=initpack.global
#                                    LoadCredential=initpack.smbios
#                                    LoadCredential=initpack.cmdline
#         initpack-test-altered:     LoadCredentialEncrypted=initpack.altered
#   random_token PREFIX        PREFIX-<16 random letters and digits>

credential_test_tree() {
  local units="$1/usr/lib/systemd/system"
  mkdir -p "$units/initrd.target.wants"
  _credential_unit "$units" initpack-test-credentials \
    LoadCredentialEncrypted=initpack.esp LoadCredentialEncrypted=initpack.global \
    LoadCredential=initpack.smbios \
    LoadCredential=initpack.cmdline
  _credential_unit "$units" initpack-test-altered LoadCredentialEncrypted=initpack.altered
}

_credential_unit() { # UNITDIR NAME DIRECTIVES…
  local units=$1 name=$2
  shift 2
  {
    printf '[Unit]\nDescription=initpack test: %s\nDefaultDependencies=no\n' "$name"
    printf 'Before=initrd.target initrd-cleanup.service\n\n[Service]\nType=oneshot\n'
    printf '%s\n' "$@"
    printf 'StandardOutput=tty\nTTYPath=/dev/console\n'
    # bash, not coreutils: the image has no cat. "$$" is systemd's "$".
    printf '%s\n' "ExecStart=/bin/bash --norc --noprofile -c 'shopt -s nullglob; [ -n \"\$\$CREDENTIALS_DIRECTORY\" ] || exit 0; for f in \"\$\$CREDENTIALS_DIRECTORY\"/*; do read -r v <\"\$\$f\"; echo \"INITPACK-CREDENTIAL \$\${f##*/}=\$\$v\"; done'"
  } >"$units/$name.service"
  ln -s "../$name.service" "$units/initrd.target.wants/$name.service"
}

random_token() {
  echo "$1-$(head -c 16 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9' | head -c 16)"
}
