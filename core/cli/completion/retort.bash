# bash completion for retort: the commands, each command's options (read from `retort COMMAND
# --help`, so they are always the binary's own), and for targets the project's revision ids, branch
# labels, label@head, head, heads and base (read from the files by `retort __complete targets`,
# never from the database). Installed as share/bash-completion/completions/retort.
_retort() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} prog=${COMP_WORDS[0]} cmd="" i
  local -a globals=()
  COMPREPLY=()
  # The command is the first word that is not an option or an option's value; -c and the like are
  # passed on, so targets come from the project they name.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -c|--config|--url|--plugin-path|--lock-timeout)
        # bash splits words at `=` and `:` (COMP_WORDBREAKS): `--url=sqlite:///x.db` comes as
        # `--url` `=` `sqlite` `:` `///x.db`, one option and its value.
        local opt=${COMP_WORDS[i]}
        ((i++))
        [[ ${COMP_WORDS[i]} == = ]] && ((i++))
        local val=${COMP_WORDS[i]}
        while [[ ${COMP_WORDS[i+1]} == : ]]; do val+=":${COMP_WORDS[i+2]}"; ((i += 2)); done
        globals+=("$opt" "$val") ;;
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  # After `--backup=`, what is being completed is the value of the word before the `=`.
  [[ $prev == = && $COMP_CWORD -ge 2 ]] && prev=${COMP_WORDS[COMP_CWORD-2]}
  case $prev in
    -c|--config|--plugin-path|--backup|-o|--output)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --dir)
      COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --url|--lock-timeout|-m|--message|--rev-id|--branch-label|--in-doubt|--on-failure|--format|-r)
      return ;;
    --head|--depends-on)
      COMPREPLY=($(compgen -W "$("$prog" "${globals[@]}" __complete targets 2>/dev/null)" -- "$cur")); return ;;
  esac
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "-c --config --url --plugin-path -v --verbose -q --quiet --json --no-color
                               --lock-timeout -h --help --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$("$prog" __complete commands 2>/dev/null)" -- "$cur"))
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
    return
  fi
  case $cmd in
    upgrade|downgrade|plan|stamp|show|test|merge)
      COMPREPLY=($(compgen -W "$("$prog" "${globals[@]}" __complete targets 2>/dev/null)" -- "$cur")) ;;
    apply) COMPREPLY=($(compgen -f -- "$cur")) ;;
    init) COMPREPLY=($(compgen -d -- "$cur")) ;;
    import)  # import alembic DIR
      if [[ ${COMP_WORDS[COMP_CWORD-1]} == import ]]; then COMPREPLY=($(compgen -W alembic -- "$cur"))
      else COMPREPLY=($(compgen -d -- "$cur")); fi ;;
  esac
}
complete -F _retort retort
