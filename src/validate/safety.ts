import type { Issue } from '../issues.js';
import { checkDataplaneAgainstTproxy } from './safety-dataplane.js';
import { checkHostSafety } from './safety-host.js';
import type { SafetyInputs } from './safety-inputs.js';
import { checkPorts } from './safety-ports.js';

/** The guide's safety rules across the host's files (Dataplane, tproxy config, kuma-dp settings). */
export function checkSafety(inputs: SafetyInputs): Issue[] {
  return [...checkHostSafety(inputs), ...checkDataplaneAgainstTproxy(inputs), ...checkPorts(inputs)];
}
