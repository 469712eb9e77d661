import { strict as assert } from 'node:assert';
import type { MarkupContent } from 'vscode-languageserver-types';
import { languageFeatures } from '../../../server/src/language/languageService';
import { analyzeAtCaret, HEAD } from './analyzeText';

function hoverAt(marked: string) {
  const { a, position } = analyzeAtCaret(marked);
  const h = languageFeatures.hover(a, position);
  return h && { text: (h.contents as MarkupContent).value, range: h.range };
}

describe('hover', () => {
  it('over a value covers the value, over its key the key', () => {
    assert.deepEqual(hoverAt(`${HEAD}git:\n  require_pull_request: tr|ue\n`)?.range, {
      start: { line: 6, character: 24 },
      end: { line: 6, character: 28 },
    });
    assert.deepEqual(hoverAt(`${HEAD}git:\n  require_pu|ll_request: true\n`)?.range, {
      start: { line: 6, character: 2 },
      end: { line: 6, character: 22 },
    });
  });

  it('explains the chosen enum value first', () => {
    assert.match(
      hoverAt(`${HEAD}  mode: break_gl|ass\n`)!.text,
      /\n\n`break_glass`: Emergency override posture: blocks unless an actor and reason are given\.\n\nAllowed values:/,
    );
  });

  it('on a pattern in a flow list says what it matches', () => {
    assert.match(hoverAt(`${HEAD}filesystem:\n  block_read: [".env", "**/*.p|em"]\n`)!.text, /against `\^\.\*\/\.\*\\\.pem\$`/);
  });

  it('says nothing over a comment, a blank line or the document root', () => {
    assert.equal(hoverAt(`# a com|ment\n${HEAD}`), null);
    assert.equal(hoverAt(`${HEAD}\n|\n`), null);
  });

  it('on a declarative list says CAVRA does not read it', () => {
    assert.match(
      hoverAt(`${HEAD}commands:\n  require_approval: ["git t|ag*"]\n`)!.text,
      /_Declarative: CAVRA's runtime evaluator does not read this list\._$/,
    );
  });
});
