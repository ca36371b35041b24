/** The per-request context every resolver receives. */
export interface GatewayContext {
  /** The caller's WorkDocs token from `Authorization: Bearer <token>`, if any. */
  authenticationToken: string | undefined;
}
