// vitest setup file: after each test file, no child process a test started is left running.
import { afterAll } from 'vitest';
import { stopLeftoverChildren } from './child-processes.ts';

afterAll(stopLeftoverChildren);
