/** Who acts: what services are told about the caller, whichever way the call arrived. */

/** A member's role in an organization: what they may see as well as do. */
export type Role = 'admin' | 'standard' | 'light';

/** Who acts, and in which organization: the caller of an organization operation. */
export interface Actor {
  organizationId: string;
  userId: number;
  /** The caller's role there: what they may see as well as do (a light member gets no guest links). */
  role: Role;
}
