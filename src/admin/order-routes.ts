import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from './context';

export async function orderRoutes(_app: FastifyInstance, _ctx: ConsoleContext): Promise<void> {}
