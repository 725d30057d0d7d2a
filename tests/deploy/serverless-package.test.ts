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

describe('serverless package', () => {
  it('defines the webhook function on a supported runtime', () => {
    const [[, webhook]] = resourcesOfType('AWS::Lambda::Function') as [[string, Resource]];

    expect(webhook.Properties.Handler).toBe('handlers/webhook.handler');
    expect(['nodejs22.x', 'nodejs24.x']).toContain(webhook.Properties.Runtime);
  });

  it('routes POST /webhooks/branch through the HTTP API', () => {
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);

    expect(routes).toContain('POST /webhooks/branch');
  });

  it('keeps dead letters 14 days with encryption', () => {
    const queue = resources.DeadLetterQueue!;

    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.MessageRetentionPeriod).toBe(1_209_600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('passes the dead-letter queue URL to the function', () => {
    const [[, webhook]] = resourcesOfType('AWS::Lambda::Function') as [[string, Resource]];

    expect(webhook.Properties.Environment.Variables.DEAD_LETTER_QUEUE_URL).toEqual({ Ref: 'DeadLetterQueue' });
  });

  it('limits IAM to sending to the dead-letter queue', () => {
    const role = resources.IamRoleLambdaExecution!;
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    const sqsStatements = statements.filter((statement: any) => [statement.Action].flat().some((action: string) => action.startsWith('sqs:')));

    expect(sqsStatements).toHaveLength(1);
    expect(sqsStatements[0].Action).toEqual(['sqs:SendMessage']);
    expect(sqsStatements[0].Resource).toEqual([{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }]);
  });

  it('bundles the handler without the AWS SDK', () => {
    const zipPath = join(outputDir, 'branch-to-mixpanel.zip');
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zipPath], {
      encoding: 'utf8',
    });

    expect(listing).toContain('handlers/webhook.js');
    expect(listing).not.toContain('node_modules/@aws-sdk');
    expect(statSync(zipPath).size).toBeLessThan(1024 * 1024);
  });
});
