import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every relative link in the README, CONTRIBUTING and the guides points at a file or folder of
// the repository, and every `#anchor` (in the same file or another Markdown file) at a heading.

const repo = resolve(__dirname, '..');
const guides = readdirSync(join(repo, 'docs/guides'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/guides/${name}`);
const documents = ['README.md', 'CONTRIBUTING.md', ...guides];

/** The text outside fenced code blocks and inline code: links in code are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchors for a file's headings: lower case, punctuation dropped, spaces to `-`. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text = ''] of prose(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** `[text](target)` links, with their targets (a title after the target dropped). */
function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map(
    ([, target = '']) => target,
  );
}

describe('documentation links', () => {
  it('finds the guides', () => {
    expect(guides).toEqual(
      expect.arrayContaining([
        'docs/guides/aura-client.md',
        'docs/guides/provisioning.md',
        'docs/guides/security.md',
        'docs/guides/webhooks.md',
      ]),
    );
  });

  it.each(documents)('%s: every relative link and anchor resolves', (document) => {
    const markdown = readFileSync(join(repo, document), 'utf8');
    const broken: string[] = [];
    for (const target of links(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path = '', anchor] = target.split('#');
      const file =
        path === '' ? join(repo, document) : resolve(dirname(join(repo, document)), path);
      if (!file.startsWith(repo) || !existsSync(file)) {
        broken.push(`${target}: no ${relative(repo, file)}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(file).isDirectory() || !file.endsWith('.md')) {
        broken.push(`${target}: an anchor into something that is not Markdown`);
      } else if (!anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
        broken.push(`${target}: no heading #${anchor} in ${relative(repo, file)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README links to every guide', () => {
    const targets = links(readFileSync(join(repo, 'README.md'), 'utf8'));
    for (const guide of guides) expect(targets).toContain(guide);
  });
});
