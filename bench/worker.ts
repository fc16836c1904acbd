/** A benchmark worker process: runs the specs its parent sends, one at a time, and sends back each result. */
import { runOne, type RunSpec } from './runs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.on('message', (message: { id: number; spec: RunSpec }) => {
  runOne(message.spec).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
  );
});

// The parent gone (Ctrl-C, killed): stop too, instead of running the rest of a matrix nobody will read.
process.on('disconnect', () => process.exit(130));
