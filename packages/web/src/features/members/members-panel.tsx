import { useState } from 'react';
import { type Member, memberKey } from '../../api/members.ts';
import type { Role } from '../../api/projects.ts';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { Panel } from '../../components/page.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { EmptyState, ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { usePermission } from '../access/use-access.ts';
import { useMe } from '../auth/use-me.ts';
import { AddMemberForm, roles } from './add-member-form.tsx';
import { useMembers, usePutMember, useRemoveMember } from './use-members.ts';

export function MembersPanel({ project }: { project: string }) {
  const members = useMembers(project);
  const can = usePermission(project, 'members.manage');
  const put = usePutMember(project);
  const remove = useRemoveMember(project);
  const me = useMe();
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string }>();
  const [removing, setRemoving] = useState<Member>();

  const changeRole = (m: Member, role: Role) =>
    put.mutate(
      { subject: memberKey(m), role },
      {
        onSuccess: () => setOutcome({ tone: 'success', text: `${m.subject} is now ${role}.` }),
        onError: (err) => setOutcome({ tone: 'error', text: errorMessage(err) }),
      },
    );
  const removeMember = (m: Member) =>
    remove.mutate(memberKey(m), {
      onSuccess: () => setOutcome({ tone: 'success', text: `Removed ${m.kind} ${m.subject}.` }),
      onError: (err) => setOutcome({ tone: 'error', text: errorMessage(err) }),
      onSettled: () => setRemoving(undefined),
    });

  return (
    <Panel
      id="members"
      title="Members"
      description="Users and groups with a role in this project. Admins manage members, storage and workspaces; editors start sessions; viewers browse."
    >
      <div className="space-y-4">
        {/* Results of member changes are announced here. */}
        <div aria-live="polite">
          {outcome && (
            <Notice tone={outcome.tone} onDismiss={() => setOutcome(undefined)}>
              {outcome.text}
            </Notice>
          )}
        </div>
        {members.isPending && <Loading label="Loading members…" />}
        {members.error && <ErrorState error={members.error} retry={() => members.refetch()} />}
        {members.data?.length === 0 && <EmptyState title="No members" />}
        {members.data && members.data.length > 0 && (
          <ScrollRegion label="Project members table" className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Project members</caption>
              <thead className="border-b border-slate-200 text-xs text-slate-600 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Member
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Role
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium max-sm:hidden">
                    Added
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {members.data.map((m) => (
                  <tr key={memberKey(m)}>
                    <td className="py-2 pr-4">
                      <span className="font-medium text-slate-900">{m.subject}</span>{' '}
                      {m.kind === 'group' && <Badge>group</Badge>}
                      {m.kind === 'user' && m.subject === me.data?.subject && (
                        <Badge tone="indigo">you</Badge>
                      )}
                    </td>
                    <td className="py-2 pr-4">
                      <label className="sr-only" htmlFor={`role-${memberKey(m)}`}>
                        Role of {m.subject}
                      </label>
                      <select
                        id={`role-${memberKey(m)}`}
                        value={m.role}
                        disabled={!can.allowed || put.isPending}
                        onChange={(e) => changeRole(m, e.target.value as Role)}
                        className="rounded-md border-0 bg-white py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset focus:outline-2 focus:outline-indigo-600 disabled:bg-slate-50 disabled:text-slate-600"
                      >
                        {roles.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="py-2 pr-4 text-slate-600 max-sm:hidden">
                      <Time iso={m.createdAt} />
                    </td>
                    <td className="py-2 text-right">
                      {can.allowed && (
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => setRemoving(m)}
                          disabled={remove.isPending}
                          aria-label={`Remove ${m.kind} ${m.subject}`}
                        >
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
        <ConfirmDialog
          open={removing !== undefined}
          title={`Remove ${removing?.subject ?? ''} from ${project}?`}
          confirmLabel="Remove member"
          busy={remove.isPending}
          onClose={() => setRemoving(undefined)}
          onConfirm={() => removing && removeMember(removing)}
        >
          <p>
            {removing?.kind === 'group' ? 'Members of the group' : removing?.subject} lose the{' '}
            {removing?.role} role here at once: the project, its workspaces and sessions are no longer theirs
            to see or change (unless another membership grants them).
          </p>
          <p>Sessions they already started keep running; nothing they made is deleted.</p>
        </ConfirmDialog>
        <AddMemberForm
          project={project}
          permission={can}
          onDone={(text) => setOutcome({ tone: 'success', text })}
        />
      </div>
    </Panel>
  );
}
