import type { User } from '../db/users.ts';

/** The users dev login offers; their subjects match the forge's demo accounts. */
export const devUsers: Omit<User, 'id'>[] = [
  { subject: 'alice', name: 'Alice Admin', email: 'alice@example.test', groups: ['acme-maintainers'] },
  { subject: 'bob', name: 'Bob Viewer', email: 'bob@example.test', groups: ['acme-readers'] },
  { subject: 'carol', name: 'Carol Contributor', email: 'carol@example.test', groups: ['acme-readers'] },
];
