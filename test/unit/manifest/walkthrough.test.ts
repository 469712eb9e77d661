// The Getting Started walkthrough and the views' welcome content, as package.json contributes them: every
// button runs a command the extension contributes, completes its step, and every media file ships.
import assert from 'node:assert/strict';
import { fileInRepo, localized, readManifest, walkthroughProblems, type Json } from './manifest';

describe('manifest: the Getting Started walkthrough', () => {
  const { manifest, nls } = readManifest();

  it('has no button or link to an unknown command, no step without completion, no missing media', () => {
    assert.deepEqual(walkthroughProblems(manifest, nls, fileInRepo), []);
  });

  it('walks one path per role, in the order work flows', () => {
    const [w] = manifest.contributes.walkthroughs;
    assert.equal(w.id, 'cavra.gettingStarted');
    assert.deepEqual(
      w.steps.map((s: Json) => localized(s.title, nls).split(':')[0]),
      ['Author', 'Publisher', 'Approver', 'Incident commander', 'Auditor'],
    );
    assert.deepEqual(
      w.steps.map((s: Json) => s.completionEvents),
      [
        ['onCommand:cavra.createPack'],
        ['onCommand:cavra.requestPublishApproval'],
        ['onCommand:cavra.approve', 'onCommand:cavra.deny'],
        ['onCommand:cavra.breakGlass'],
        ['onCommand:cavra.exportEvidenceBundle'],
      ],
    );
  });

  it('is opened by CAVRA: Open Walkthrough, listed in the palette whatever the workspace', () => {
    const command = manifest.contributes.commands.find((c: Json) => c.command === 'cavra.openWalkthrough');
    assert.ok(command, 'cavra.openWalkthrough is contributed');
    assert.equal(localized(command.title, nls), 'Open Walkthrough');
    assert.deepEqual(
      manifest.contributes.menus.commandPalette
        .filter((m: Json) => m.command === 'cavra.openWalkthrough')
        .map((m: Json) => m.when),
      ['!cavra.browser'],
      'nothing but the browser build hides it (its steps need the desktop): a new user has no pack yet',
    );
  });

  it('reports what a broken walkthrough or welcome text would get wrong', () => {
    const broken = structuredClone(manifest);
    const step = broken.contributes.walkthroughs[0].steps[0];
    step.description = 'Do it.\n[Go](command:cavra.noSuchCommand)';
    step.completionEvents = ['onCommand:cavra.alsoMissing'];
    step.media = { markdown: 'media/walkthrough/gone.md' };
    broken.contributes.viewsWelcome[0].contents = 'Nothing here.\n[Create](command:cavra.createPack)';
    assert.deepEqual(walkthroughProblems(broken, nls, fileInRepo), [
      'walkthroughs[0].steps[0] (author): links to unknown command cavra.noSuchCommand',
      'walkthroughs[0].steps[0] (author): completes on unknown command cavra.alsoMissing',
      'walkthroughs[0].steps[0] (author): its button (cavra.noSuchCommand) does not complete it',
      'walkthroughs[0].steps[0] (author): media file media/walkthrough/gone.md is missing',
      'viewsWelcome[0] (cavra.packs): no link to cavra.openWalkthrough',
    ]);
  });
});
