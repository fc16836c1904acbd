import { describe, expect, it } from 'vitest';
import { failureText } from '../../engine/failure-text';

describe('failureText', () => {
  it.each([
    ['ThrottledError', '{"errorType":"ThrottledError","errorMessage":"ec2: Request limit exceeded."}', 'ThrottledError: ec2: Request limit exceeded.'],
    ['States.Timeout', 'the task did not answer within 60 s', 'States.Timeout: the task did not answer within 60 s'],
    ['Killed', undefined, 'Killed'],
    [undefined, 'the execution ended without a final event', 'the execution ended without a final event'],
    ['BadCause', '{"not":"lambda"', 'BadCause: {"not":"lambda"'],
  ])('reads %s with its cause as one line', (error, cause, text) => {
    expect(failureText(error, cause)).toBe(text);
  });
});
