import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Server-side hooks shared by every bare repository (via core.hooksPath, set only for pushes served by
 * the forge). They run inside git's quarantine: a refused push leaves no objects and no ref changes.
 */

// GitHub refuses pushes that create, change or delete files under .github/workflows/ when the credential
// lacks the `workflows` permission; the forge passes FORGE_WORKFLOWS_ALLOWED=0 for such credentials.
const PRE_RECEIVE = `#!/bin/sh
[ "$FORGE_WORKFLOWS_ALLOWED" = "0" ] || exit 0
zero=0000000000000000000000000000000000000000
while read old new ref; do
  [ "$new" = "$zero" ] && continue
  for c in $(git rev-list "$new" --not --all); do
    if git rev-parse -q --verify "$c^1" >/dev/null; then
      files=$(git diff --name-only "$c^1" "$c" -- .github/workflows/)
    else
      files=$(git ls-tree -r --name-only "$c" -- .github/workflows/)
    fi
    first=$(printf '%s\\n' "$files" | head -n 1)
    if [ -n "$first" ]; then
      echo "refusing to allow a GitHub App to create or update workflow \\\`$first\\\` without \\\`workflows\\\` permission" >&2
      exit 1
    fi
  done
done
exit 0
`;

// Records what changed so the forge can send \`push\` webhooks and update pull requests after the push.
const POST_RECEIVE = `#!/bin/sh
[ -n "$FORGE_PUSH_LOG" ] || exit 0
cat >> "$FORGE_PUSH_LOG"
`;

export async function writeHooks(hooksDir: string): Promise<void> {
  await mkdir(hooksDir, { recursive: true });
  for (const [name, body] of [
    ['pre-receive', PRE_RECEIVE],
    ['post-receive', POST_RECEIVE],
  ] as const) {
    const path = join(hooksDir, name);
    await writeFile(path, body, { mode: 0o755 });
    await chmod(path, 0o755);
  }
}
