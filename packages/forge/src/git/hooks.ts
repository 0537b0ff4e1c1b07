import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Server-side hooks shared by every bare repository (via core.hooksPath, set only for pushes served by
 * the forge).
 */

/**
 * GitHub refuses a pushed ref whose new commits create, change or delete files under .github/workflows/
 * when the credential lacks the `workflows` permission, and names the file in the `[remote rejected]`
 * reason. Only a `proc-receive` hook can choose that reason (a refusing pre-receive or update hook always
 * reads "pre-receive hook declined" / "hook declined"), so for such credentials the forge sets
 * `receive.procReceiveRefs=refs/` and this hook answers each ref: `ng <ref> <reason>` when it touches a
 * workflow, otherwise `ok <ref>` + `option fall-through`, which hands the ref back to receive-pack to update
 * as usual (fast-forward and deletion rules, post-receive). It runs after git has moved the pushed objects
 * out of quarantine, so the objects of a refused ref stay in the object store, unreferenced.
 *
 * Protocol (githooks(5), "proc-receive"): pkt-lines on stdin/stdout; version negotiation, then the
 * commands, then one report per command in the same order, then a flush.
 */
const PROC_RECEIVE = `#!/bin/sh
# Reads pkt-lines up to a flush packet into $lines, one a line (NUL bytes dropped); fails at end of input.
read_until_flush() {
  lines=""
  while :; do
    len=$(dd bs=1 count=4 2>/dev/null)
    [ \${#len} -eq 4 ] || return 1
    [ "$len" = 0000 ] && return 0
    pkt=$(dd bs=1 count=$((0x$len - 4)) 2>/dev/null | tr -d '\\000')
    lines="$lines$pkt
"
  done
}
pkt_write() {
  n=$(printf '%s' "$1" | wc -c)
  printf '%04x%s' $((n + 4)) "$1"
}
# The first workflow file that a pushed commit (reachable from $1 and from no ref yet) creates, changes or deletes.
workflow_touched() {
  for c in $(git rev-list "$1" --not --all); do
    if git rev-parse -q --verify "$c^1" >/dev/null; then
      files=$(git -c core.quotePath=false diff --name-only "$c^1" "$c" -- .github/workflows/)
    else
      files=$(git -c core.quotePath=false ls-tree -r --name-only "$c" -- .github/workflows/)
    fi
    first=$(printf '%s\\n' "$files" | head -n 1)
    if [ -n "$first" ]; then
      printf '%s' "$first"
      return 0
    fi
  done
  return 1
}

# The reason GitHub gives for refusing a ref updated to $1, or failure when it is accepted.
refusal() {
  [ "$1" = "$zero" ] && return 1
  file=$(workflow_touched "$1") || return 1
  printf 'refusing to allow a GitHub App to create or update workflow \`%s\` without \`workflows\` permission' "$file"
}
zero=0000000000000000000000000000000000000000

read_until_flush || exit 1
case "$lines" in *atomic*) atomic=1 ;; *) atomic=0 ;; esac
pkt_write "version=1"
printf 0000
read_until_flush || exit 1
commands=$lines

# An atomic push is refused as a whole: the other refs get git's own "atomic push failure".
any_refused=0
if [ $atomic = 1 ]; then
  while read -r old new ref; do
    [ -n "$ref" ] && refusal "$new" >/dev/null && any_refused=1
  done <<EOF
$commands
EOF
fi
while read -r old new ref; do
  [ -n "$ref" ] || continue
  if reason=$(refusal "$new"); then
    pkt_write "ng $ref $reason"
  elif [ $any_refused = 1 ]; then
    pkt_write "ng $ref atomic push failure"
  else
    pkt_write "ok $ref"
    pkt_write "option fall-through"
  fi
done <<EOF
$commands
EOF
printf 0000
`;

// Records what changed so the forge can send \`push\` webhooks and update pull requests after the push.
const POST_RECEIVE = `#!/bin/sh
[ -n "$FORGE_PUSH_LOG" ] || exit 0
cat >> "$FORGE_PUSH_LOG"
`;

export async function writeHooks(hooksDir: string): Promise<void> {
  await mkdir(hooksDir, { recursive: true });
  // Earlier versions refused workflow pushes from a pre-receive hook (reason "pre-receive hook declined").
  await rm(join(hooksDir, 'pre-receive'), { force: true });
  for (const [name, body] of [
    ['proc-receive', PROC_RECEIVE],
    ['post-receive', POST_RECEIVE],
  ] as const) {
    const path = join(hooksDir, name);
    await writeFile(path, body, { mode: 0o755 });
    await chmod(path, 0o755);
  }
}
