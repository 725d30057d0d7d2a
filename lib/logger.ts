import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logger shared by handlers, the pipeline and the CLI. Powertools reads the level
 * from `POWERTOOLS_LOG_LEVEL` and the service name from `POWERTOOLS_SERVICE_NAME`.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'branch-to-mixpanel' });
