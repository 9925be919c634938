// Who is signed in: { name, role, authRequired }. Roles gate what the UI offers.
export const session = { me: null };
const RANK = { viewer: 0, operator: 1, admin: 2 };
export const may = (role) => !!session.me && RANK[session.me.role] >= RANK[role];
