/**
 * The `operationId` of every operation of the OpenAPI document, in one table so that a generated
 * client's method names are stable and chosen, not derived from paths that may grow. Each id is
 * the camelCase of the operation's heading in docs/ (`## Create guest` -> `createGuest`), which
 * test/openapi.test.ts checks: renaming a heading renames the operation, on purpose.
 *
 * Keyed by `METHOD /path` as the document writes the path (`{param}`, without the `/api` base;
 * the guest and invitation JSON operations answer under `/api` only, through their own server).
 * A route schema's own `operationId` wins over the table.
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  'GET /me': 'me',
  'GET /me/organizations': 'myOrganizations',
  'GET /organizations/{org_id}': 'getOrganization',
  'GET /organizations/{org_id}/me': 'myMembership',
  'GET /me/tokens': 'listTokens',
  'POST /me/tokens': 'createToken',
  'DELETE /me/tokens/{token_id}': 'revokeToken',
  'POST /organizations/{org_id}/file': 'uploadFile',
  'GET /organizations/{org_id}/tasks/{task_id}/files': 'listTaskFiles',
  'GET /organizations/{org_id}/file/{file_id}/dl': 'downloadFile',
  'DELETE /organizations/{org_id}/file/{file_id}': 'deleteFile',
  'GET /organizations/{org_id}/groups': 'listGroups',
  'GET /organizations/{org_id}/groups/{group_id}': 'getGroup',
  'POST /organizations/{org_id}/groups': 'createGroup',
  'PUT /organizations/{org_id}/groups/{group_id}': 'updateGroup',
  'DELETE /organizations/{org_id}/groups/{group_id}': 'deleteGroup',
  'GET /guest/{guest_code}': 'getGuestRecord',
  'PUT /guest/{guest_code}/cadence_days': 'setDigestDays',
  'GET /guest/{guest_code}/preferences': 'getGuestPreferences',
  'POST /guest/{guest_code}/preferences': 'setGuestPreference',
  'GET /guest/{guest_code}/tasks': 'listMyTasks',
  'GET /guest/{guest_code}/tasks/{task_id}': 'getMyTask',
  'PUT /guest/{guest_code}/tasks/{task_id}/values': 'saveMyTaskValues',
  'POST /guest/{guest_code}/tasks/{task_id}/comment': 'commentOnMyTask',
  'POST /guest/{guest_code}/tasks/{task_id}/complete': 'completeMyTask',
  'PUT /guest/{guest_code}/tasks/{task_id}/complete': 'completeMyTaskPut',
  'POST /guest/{guest_code}/tasks/{task_id}/files': 'uploadAFileToMyTask',
  'GET /guest/{guest_code}/tasks/{task_id}/files': 'listMyTasksFiles',
  'GET /guest/{guest_code}/tasks/{task_id}/files/{file_id}': 'downloadMyTasksFile',
  'DELETE /guest/{guest_code}/tasks/{task_id}/files/{file_id}': 'deleteMyUpload',
  'POST /public/guests/access': 'requestGuestLinks',
  'POST /organizations/{org_id}/guests': 'createGuest',
  'GET /organizations/{org_id}/guests': 'listGuests',
  'GET /organizations/{org_id}/guests/{guest_email}': 'getGuest',
  'PUT /organizations/{org_id}/guests/{guest_email}': 'updateGuest',
  'DELETE /organizations/{org_id}/guests/{guest_email}': 'removeGuest',
  'DELETE /organizations/{org_id}/guests/{guest_email}/disable': 'disableGuest',
  'PUT /organizations/{org_id}/guests/{guest_email}/enable': 'enableGuest',
  'DELETE /organizations/{org_id}/guests/{guest_id_or_email}/delete': 'permanentlyDeleteGuest',
  'PUT /organizations/{org_id}/guests/{guest_email}/reset-link': 'resetGuestLink',
  'POST /organizations/{org_id}/guests/{guest_email}/to/member': 'convertGuestToMember',
  'PUT /organizations/{org_id}/users/{user_id}/to/guest': 'convertMemberToGuest',
  'POST /organizations/{org_id}/guests/bulk': 'bulkCreateGuests',
  'POST /organizations/{org_id}/guests/import': 'importGuests',
  'GET /organizations/{org_id}/imports/{import_id}': 'getImport',
  'GET /organizations/{org_id}/guests-list': 'guestsLightList',
  'POST /organizations/{org_id}/users/invite': 'inviteMember',
  'POST /organizations/{org_id}/users/{user_id}/resend-invite': 'resendInvitation',
  'DELETE /organizations/{org_id}/users/{user_id}/withdraw-invite': 'withdrawInvitation',
  'GET /invitations/{code}': 'getInvitation',
  'POST /invitations/{code}/accept': 'acceptInvitation',
  'GET /organizations/{org_id}/users': 'listMembers',
  'GET /organizations/{org_id}/users-list': 'membersLightList',
  'GET /organizations/{org_id}/users/{user_id}': 'getMember',
  'PUT /organizations/{org_id}/users/{user_id}/role': 'changeRole',
  'DELETE /organizations/{org_id}/users/{user_id}/disable': 'disableMember',
  'PUT /organizations/{org_id}/users/{user_id}/enable': 'enableMember',
  'DELETE /organizations/{org_id}/users/{user_id}': 'removeMember',
  'DELETE /organizations/{org_id}/users/{user_id}/delete': 'deleteMember',
  'POST /unsubscribe/{token}': 'unsubscribeOneClick',
  'GET /health/live': 'liveness',
  'GET /health/ready': 'readiness',
  'PUT /organizations/{org_id}/tasks/{task_id}/values': 'saveTaskValues',
  'POST /organizations/{org_id}/tasks/{task_id}/comment': 'commentOnTask',
  'PUT /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}': 'editComment',
  'DELETE /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}': 'deleteComment',
  'PUT /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}/resolve': 'resolveComment',
  'POST /organizations/{org_id}/completed-tasks': 'completeTask',
  'DELETE /organizations/{org_id}/completed-tasks/{task_id}': 'reopenTask',
  'POST /organizations/{org_id}/tasks': 'createTask',
  'GET /organizations/{org_id}/tasks': 'listTasks',
  'GET /organizations/{org_id}/tasks/{task_id}': 'getTask',
  'PUT /organizations/{org_id}/tasks/{task_id}': 'updateTask',
  'DELETE /organizations/{org_id}/tasks/{task_id}': 'deleteTask',
  'POST /organizations/{org_id}/tasks/{task_id}/clone': 'cloneTask',
  'GET /organizations/{org_id}/guests/{guest_email}/tasks': 'listGuestsTasks',
  'GET /organizations/{org_id}/users/{user_id}/tasks': 'listMembersTasks',
  'GET /organizations/{org_id}/me/tasks': 'listOwnTasks',
};

type Paths = Record<string, Record<string, unknown> | undefined>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']);

/** Gives each operation of the document its id from OPERATION_IDS, unless its schema named one. */
export function addOperationIds<T extends { paths?: object }>(document: T): T {
  for (const [path, item] of Object.entries((document.paths ?? {}) as Paths)) {
    if (!item) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || typeof operation !== 'object' || operation === null) continue;
      const own = (operation as { operationId?: string }).operationId;
      const operationId = own ?? OPERATION_IDS[`${method.toUpperCase()} ${path}`];
      // First among the operation's keys, where a reader of the document looks for it.
      if (operationId) item[method] = { operationId, ...operation };
    }
  }
  return document;
}
