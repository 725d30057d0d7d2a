import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const projectDir = resolve(__dirname, '..', '..');

interface Resource {
  Type: string;
  Properties: Record<string, any>;
}

let outputDir: string;
let resources: Record<string, Resource>;

beforeAll(() => {
  outputDir = mkdtempSync(join(tmpdir(), 'branch-to-mixpanel-package-'));
  // `serverless package` builds the bundle and the CloudFormation template offline; nothing is deployed.
  execFileSync(join(projectDir, 'node_modules', '.bin', 'serverless'), ['package', '--stage', 'prod', '--package', outputDir], {
    cwd: projectDir,
    env: { ...process.env, WEBHOOK_SECRET: '', DEAD_LETTER_QUEUE_URL: '', SLS_TELEMETRY_DISABLED: '1' },
    stdio: 'pipe',
  });
  const template = JSON.parse(readFileSync(join(outputDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 120_000);

afterAll(() => {
  rmSync(outputDir, { recursive: true, force: true });
});

function resourcesOfType(type: string): Array<[string, Resource]> {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function functionWithHandler(handler: string): Resource {
  const found = resourcesOfType('AWS::Lambda::Function').find(([, resource]) => resource.Properties.Handler === handler);
  if (found === undefined) throw new Error(`No function with handler ${handler}`);
  return found[1];
}

describe('serverless package', () => {
  it('defines the webhook function on a supported runtime', () => {
    const webhook = functionWithHandler('handlers/webhook.handler');

    expect(webhook.Properties.Handler).toBe('handlers/webhook.handler');
    expect(['nodejs22.x', 'nodejs24.x']).toContain(webhook.Properties.Runtime);
  });

  it('routes POST and GET /webhooks/branch through the HTTP API', () => {
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);

    expect(routes.sort()).toEqual(['GET /webhooks/branch', 'POST /webhooks/branch']);
  });

  it('keeps dead letters 14 days with encryption', () => {
    const queue = resources.DeadLetterQueue!;

    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.MessageRetentionPeriod).toBe(1_209_600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('passes both queue URLs to the functions', () => {
    const webhook = functionWithHandler('handlers/webhook.handler');

    expect(webhook.Properties.Environment.Variables.DEAD_LETTER_QUEUE_URL).toEqual({ Ref: 'DeadLetterQueue' });
    expect(webhook.Properties.Environment.Variables.RETRY_QUEUE_URL).toEqual({ Ref: 'RetryQueue' });
  });

  it('limits IAM to the two queues', () => {
    const role = resources.IamRoleLambdaExecution!;
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    const sqsStatements = statements.filter((statement: any) => [statement.Action].flat().some((action: string) => action.startsWith('sqs:')));
    const grants = sqsStatements.flatMap((statement: any) =>
      [statement.Action].flat().flatMap((action: string) => statement.Resource.map((resource: any) => `${action} ${resource['Fn::GetAtt'][0]}`)),
    );

    expect(grants.sort()).toEqual(
      [
        'sqs:ChangeMessageVisibility RetryQueue',
        'sqs:DeleteMessage RetryQueue',
        'sqs:GetQueueAttributes RetryQueue',
        'sqs:ReceiveMessage RetryQueue',
        'sqs:SendMessage DeadLetterQueue',
        'sqs:SendMessage RetryQueue',
      ].sort(),
    );
  });

  it('retries through an encrypted queue that redrives to the dead-letter queue', () => {
    const queue = resources.RetryQueue!;

    expect(queue.Properties.MessageRetentionPeriod).toBe(1_209_600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.RedrivePolicy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    expect(Number(queue.Properties.RedrivePolicy.maxReceiveCount)).toBe(12);
  });

  it('triggers the retry function with partial batch responses', () => {
    const [[, mapping]] = resourcesOfType('AWS::Lambda::EventSourceMapping') as [[string, Resource]];

    expect(mapping.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': ['RetryQueue', 'Arn'] });
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.BatchSize).toBe(100);
  });

  it('gives the retry queue a visibility timeout above the function timeout', () => {
    const retryFunction = resourcesOfType('AWS::Lambda::Function').find(([, resource]) => resource.Properties.Handler === 'handlers/retry.handler');

    expect(resources.RetryQueue!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(retryFunction![1].Properties.Timeout);
  });

  it('bundles the handler without the AWS SDK', () => {
    const zipPath = join(outputDir, 'branch-to-mixpanel.zip');
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zipPath], {
      encoding: 'utf8',
    });

    expect(listing).toContain('handlers/webhook.js');
    expect(listing).toContain('handlers/retry.js');
    expect(listing).not.toContain('node_modules/@aws-sdk');
    expect(statSync(zipPath).size).toBeLessThan(1024 * 1024);
  });
});
