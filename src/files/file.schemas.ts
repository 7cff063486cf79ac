/**
 * The answer shape of a file on a task (docs/files.md), shared by members' and guests' routes.
 * `uploaded_from` is Tallyfy's name for the form field a file was uploaded to; `field_id` says the same.
 */
import { Type, type Static } from 'typebox';
import { NullableString, RequiredTimestamp } from '../http/schemas.js';

export const TaskFile = Type.Object({
  id: Type.String({ description: '32 lowercase hex characters.' }),
  filename: Type.String({ description: 'The name it was uploaded under, made safe (no path, no control characters).' }),
  content_type: Type.String({ description: "Recognized from the file's bytes." }),
  size: Type.Integer({ description: 'Bytes.' }),
  sha256: Type.String({ description: 'Hex SHA-256 of the bytes.' }),
  task_id: Type.String(),
  field_id: NullableString({ description: "The task's file field it belongs to; null for a file on the task." }),
  uploaded_from: NullableString({ description: 'The same as `field_id`, under the name Tallyfy uses.' }),
  uploaded_by: Type.Object({
    type: Type.String({ enum: ['member', 'guest'] }),
    id: Type.Union([Type.Integer(), Type.Null()], { description: "The member's user id; null for a guest." }),
    email: NullableString({ description: "The guest's email; null for a member." }),
  }),
  created_at: RequiredTimestamp('When the file was uploaded.'),
  url: Type.String({ description: 'Where to download it, for whoever listed it.' }),
});
export type TaskFile = Static<typeof TaskFile>;

export const FileEnvelope = Type.Object({ data: TaskFile }, { title: 'FileEnvelope' });
export const FileListEnvelope = Type.Object({ data: Type.Array(TaskFile) }, { title: 'FileList' });
