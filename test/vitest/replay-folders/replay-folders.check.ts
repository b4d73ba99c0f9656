// Run by replay-tests.test.ts with REPLAY_FOLDERS set (a JSON object of folder paths).
import { replayTests } from 'beamulator/vitest';

const folders = JSON.parse(process.env.REPLAY_FOLDERS ?? '{}') as Record<'missing' | 'missingAllowed' | 'empty' | 'emptyAllowed' | 'good', string>;
replayTests(folders.missing);
replayTests(folders.missingAllowed, { allowEmpty: true });
replayTests(folders.empty);
replayTests(folders.emptyAllowed, { allowEmpty: true });
replayTests(folders.good);
