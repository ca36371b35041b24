/**
 * Network predicates shared by the gateway and WorkDocs Local (neither imports the other).
 */

/**
 * Whether a listen address is loopback only: 127.0.0.0/8, ::1 or localhost. The gateway embeds the
 * demo token (Sandbox, /demo) only then; WorkDocs Local's control plane needs no keys only then.
 */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
