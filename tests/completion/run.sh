#!/usr/bin/env bash
# run.sh RETORT SOURCE_DIR — the bash and zsh completion scripts driven as the shells drive them
# (bash: COMP_WORDS and COMPREPLY; zsh: words, CURRENT and compadd) on a project with a branch label:
# commands, a command's options, targets from the files (and from the project -c names), files for
# apply, and nothing, silently, where there is no project.
set -euo pipefail
retort=$1 src=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/retort-completion.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

make_project() {  # DIR ID…: a chain of revisions, the first labelled `core`
  local dir=$1 parent="" label='branch_labels = ["core"]'
  shift
  mkdir -p "$dir" && (cd "$dir" && "$retort" init migrations >/dev/null 2>&1)
  for id in "$@"; do
    printf 'revision = "%s"\ndown_revision = "%s"\n%s\n[[upgrade]]\nop = "sql"\nsql = "SELECT 1"\n' "$id" "$parent" "$label" \
      > "$dir/migrations/versions/${id}.toml"
    parent=$id label=""
  done
}
make_project "$tmp/proj" a1f0 b2e1 c3d2
make_project "$tmp/other" ff01
mkdir "$tmp/empty"

source "$src/core/cli/completion/retort.bash"
bash_complete() {  # WORD… (the last one being completed)
  COMP_WORDS=("$retort" "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  _retort 2>"$tmp/bash.err"
  [ ! -s "$tmp/bash.err" ] || fail "bash completion wrote to stderr: $(cat "$tmp/bash.err")"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
zsh_words() {
  zsh -f -c '
    script=$1; shift
    # zsh matches what compadd is given against the word itself: the stub does as zsh does.
    compadd() {
      [[ $1 == -- ]] && shift
      local w cur=${words[CURRENT]}
      for w in "$@"; do [[ ${w[1,${#cur}]} == "$cur" ]] && print -r -- "$w"; done
    }
    _files() { print FILES }
    words=("$RETORT_BIN" "$@")
    CURRENT=${#words}
    source "$script"
  ' zsh "$src/core/cli/completion/_retort" "$@" 2>&1 | sort
}
export RETORT_BIN=$retort

expect() {  # SHELL WHAT EXPECTED_LINES OUTPUT
  [ "$3" = "$4" ] || fail "$1: $2: expected
$3
got
$4"
}
expect_has() {
  echo "$4" | grep -qx -- "$3" || fail "$1: $2: no '$3' in
$4"
}
targets=$(printf '%s\n' a1f0 b2e1 base c3d2 core core@head head heads | sort)
cd "$tmp/proj"
for sh in bash zsh; do
  run() { if [ $sh = bash ]; then bash_complete "$@"; else zsh_words "$@"; fi; }
  expect $sh "a command" "upgrade" "$(run up)"
  expect $sh "targets" "$targets" "$(run upgrade '')"
  expect $sh "targets after a global option" "$targets" "$(run -v downgrade '')"
  expect $sh "a prefix" "b2e1
base" "$(run stamp b)"
  expect $sh "revision --head" "$targets" "$(run revision --head '')"
  expect $sh "an option" "--dry-run" "$(run upgrade --dr)"
  expect_has $sh "plan's options" "--downgrade" "$(run plan --)"
  expect_has $sh "plan's options" "--output" "$(run plan --)"
  expect_has $sh "a global option" "--no-color" "$(run --no)"
  expect $sh "-c names the project" "$(printf '%s\n' base core core@head ff01 head heads)" "$(run -c "$tmp/other/retort.toml" upgrade '')"
  cd "$tmp/empty"
  if [ $sh = bash ]; then  # bash gives `--config=FILE` as three words
    expect $sh "--config=FILE names the project" "$(printf '%s\n' base core core@head ff01 head heads)" \
      "$(run --config = "$tmp/other/retort.toml" upgrade '')"
  else
    expect $sh "--config=FILE names the project" "$(printf '%s\n' base core core@head ff01 head heads)" \
      "$(run --config="$tmp/other/retort.toml" upgrade '')"
  fi
  expect $sh "import names its source" "alembic" "$(run import al)"
  if [ $sh = bash ]; then  # and `--url=sqlite:///x.db` as five
    expect $sh "a URL is one value" "$targets" "$(cd "$tmp/proj" && run --url = sqlite : ///x.db upgrade '')"
  else
    expect $sh "a URL is one value" "$targets" "$(cd "$tmp/proj" && run --url sqlite:///x.db upgrade '')"
  fi
  expect $sh "no project: no targets, no error" "" "$(run upgrade '')"
  cd "$tmp/proj"
done
expect zsh "apply takes a file" "FILES" "$(zsh_words apply '')"
expect zsh "import alembic takes a directory" "FILES" "$(zsh_words import alembic '')"
mkdir "$tmp/proj/alembic_versions"
expect bash "import alembic takes a directory" "alembic_versions" "$(cd "$tmp/proj" && bash_complete import alembic alem)"
touch "$tmp/proj/plan.json"
expect bash "apply takes a file" "plan.json" "$(bash_complete apply pla)"
expect bash "--backup=FILE takes a file" "plan.json" "$(cd "$tmp/proj" && bash_complete upgrade --backup = pla)"
echo "completion: OK"
