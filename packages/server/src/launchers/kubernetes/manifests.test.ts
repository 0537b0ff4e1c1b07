import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim, Secret } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../../runner/src/credentials-file.ts';
import {
  GIT_TOKEN,
  launchSpec,
  podSettings,
  RUNNER_TOKEN,
} from '../../../test/support/kubernetes/launcher-harness.ts';
import { loadConfig } from '../../config/config.ts';
import { exampleManifestsPath, renderExampleManifests } from './example-manifests.ts';
import { runnerPodSettings } from './from-config.ts';
import {
  CREDENTIALS_CONTAINER,
  jobOwnerReference,
  RUNNER_CONTAINER,
  sessionJob,
  sessionSecret,
  sessionVolumeClaim,
} from './manifests.ts';
import { projectNamespace, sessionObjectName } from './names.ts';

const owner = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  name: 'x',
  uid: '5d0c6c1e-7f3a-4b43-9c49-3b0f1f0e2a11',
  blockOwnerDeletion: true,
};

describe('session objects', () => {
  it.each([
    ['all settings', podSettings],
    [
      'no storage class, platform-assigned uid, no agent uid, no resource limits',
      { ...podSettings, storageClass: undefined, runAsUser: undefined, agentUid: undefined, resources: {} },
    ],
  ])('validate against the Kubernetes schemas (%s)', (_label, settings) => {
    const spec = launchSpec();
    new Job(sessionJob(spec, 'rfe-demo', settings) as never).validate();
    new Secret(sessionSecret(spec, 'rfe-demo', owner) as never).validate();
    new PersistentVolumeClaim(sessionVolumeClaim(spec, 'rfe-demo', owner, settings) as never).validate();
  });

  it('kubernetes-models does not catch misspelt fields, which is why the launch test compares the serialized body', () => {
    const job = sessionJob(launchSpec(), 'rfe-demo', podSettings) as never as {
      spec: Record<string, unknown>;
    };
    expect(() =>
      new Job({ ...job, spec: { ...job.spec, backofLimit: 0 } } as never).validate(),
    ).not.toThrow();
    expect(() =>
      new Job({ ...job, spec: { ...job.spec, backoffLimit: 'none' } } as never).validate(),
    ).toThrow(/backoffLimit/);
  });

  it('run once, within the deadline, and are cleaned up after the TTL', () => {
    const job = sessionJob(launchSpec({ timeoutMs: 90_500 }), 'rfe-demo', podSettings);
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 91 + 60,
      ttlSecondsAfterFinished: 3600,
    });
    expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
  });

  it('run the shell as root with only what it needs to switch to the agent uid, which the agent code runs under (RFE_AGENT_UID); no privilege escalation, RuntimeDefault seccomp, no fsGroup', () => {
    const pod = sessionJob(launchSpec(), 'rfe-demo', podSettings).spec!.template.spec!;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const [init, runner] = [pod.initContainers![0]!, pod.containers[0]!];
    expect([init.name, runner.name]).toEqual([CREDENTIALS_CONTAINER, RUNNER_CONTAINER]);
    const root = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
    };
    // The credential copies are root's 0400 files: the agent uid cannot read them.
    expect(init.securityContext).toEqual({ ...root, capabilities: { drop: ['ALL'] } });
    expect(runner.securityContext).toEqual({
      ...root,
      capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID', 'CHOWN', 'FOWNER', 'DAC_OVERRIDE', 'KILL'] },
    });
    const env = Object.fromEntries(runner.env!.map((e) => [e.name, e.value]));
    expect([env.RFE_AGENT_UID, env.RFE_AGENT_GID]).toEqual(['1001', '1001']);
    for (const c of [init, runner]) expect(c.resources?.limits).toBeDefined();
    expect(runner.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
    expect(runner.command).toEqual(['node', 'packages/runner/dist/main.js']);
  });

  it('without an agent uid (RUNNER_AGENT_UID=0) meet the restricted Pod Security Standard: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    const { agentUid: _, ...restricted } = podSettings;
    const pod = sessionJob(launchSpec(), 'rfe-demo', restricted).spec!.template.spec!;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const containers = [...(pod.initContainers ?? []), ...pod.containers];
    for (const c of containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
    }
    expect(pod.containers[0]!.env!.map((e) => e.name)).not.toContain('RFE_AGENT_UID');
  });

  it('only the init container mounts the Secret; the runner gets 0400 copies the runner accepts, though kubelet made the Secret files 0440', () => {
    const pod = sessionJob(launchSpec(), 'rfe-demo', podSettings).spec!.template.spec!;
    const init = pod.initContainers![0];
    expect(pod.containers[0].volumeMounts?.map((m) => m.name)).not.toContain('session-secret');
    expect(init.volumeMounts).toContainEqual({
      name: 'session-secret',
      mountPath: '/var/run/rfe/secret',
      readOnly: true,
    });

    // Run the init container's script against a directory laid out like the kubelet's Secret volume.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-secret-'));
    const secretDir = path.join(root, 'secret');
    const credentialsDir = path.join(root, 'credentials');
    fs.mkdirSync(secretDir);
    fs.mkdirSync(credentialsDir);
    const spec = launchSpec();
    fs.writeFileSync(path.join(secretDir, 'runner-token'), RUNNER_TOKEN, { mode: 0o440 });
    fs.writeFileSync(path.join(secretDir, 'git-credentials.json'), spec.secrets.gitCredentials, {
      mode: 0o440,
    });
    const script = init.command![2].replaceAll('/var/run/rfe/', `${root}/`);
    execFileSync(process.execPath, ['-e', script]);
    execFileSync(process.execPath, ['-e', script]); // a re-run (Pod sandbox recreated) must not fail

    const copy = path.join(credentialsDir, 'git-credentials.json');
    expect(fs.statSync(copy).mode & 0o777).toBe(0o400);
    expect(fs.readFileSync(path.join(credentialsDir, 'runner-token'), 'utf8')).toBe(RUNNER_TOKEN);
    expect(readCredentialsFile(copy).git[0].token).toBe(GIT_TOKEN);
    expect(() => readCredentialsFile(path.join(secretDir, 'git-credentials.json'))).toThrow(
      /readable by others/,
    );
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('are all named by one function, and refuse names Kubernetes would refuse', () => {
    expect(sessionObjectName('01JEXAMPLE0SESSION0000000A')).toBe('rfe-session-01jexample0session0000000a');
    expect(() => sessionObjectName('x'.repeat(60))).toThrow(/at most 63/);
    expect(() => sessionObjectName('under_score')).toThrow(/cannot be a Kubernetes session object name/);
    expect(projectNamespace('rfe-', 'payments')).toBe('rfe-payments');
    expect(() => projectNamespace('RFE_', 'payments')).toThrow(/namespace/);
    expect(jobOwnerReference({ metadata: { name: 'j', uid: 'u' } })).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'j',
      uid: 'u',
      blockOwnerDeletion: true,
    });
  });

  it('deploy/manifests/runner/session-objects.example.yaml shows what the launcher creates (UPDATE_EXAMPLES=1 rewrites it)', () => {
    const rendered = renderExampleManifests(runnerPodSettings(loadConfig({})));
    if (process.env.UPDATE_EXAMPLES === '1') fs.writeFileSync(exampleManifestsPath, rendered);
    expect(fs.readFileSync(exampleManifestsPath, 'utf8')).toBe(rendered);
  });
});
