# zsh -f zsh_complete.zsh FPATH_DIR LINE: runs an interactive zsh in a pty
# (zsh/zpty) with compinit over FPATH_DIR, types LINE and TAB, and prints
# the matches the completion system offered, one per line. compadd is
# wrapped to report what it adds (the technique of zsh-capture-completion).
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='' PROMPT='' RPROMPT=''"
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; (( $#__hits )) || return 1; print -rl -- "<<"${^__hits}">>" > /dev/tty; builtin compadd "$@" }'
zpty -w z "zstyle ':completion:*' menu no; bindkey '^I' complete-word"
zpty -w z 'print -r -- READY-$((20+22))'
zpty -r z line '*READY-42*' || exit 1
zpty -w -n z "$2"$'\t'
sleep 1
zpty -w z $'\C-u print -r -- DONE-$((1+1))'
out=
while zpty -r z chunk; do
  out+=$chunk
  [[ $out == *DONE-2* ]] && break
done
zpty -d z
print -r -- "$out" | grep -o '<<[^>]*>>' | sed 's/^<<//; s/>>$//'
