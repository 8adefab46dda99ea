/** The embedded mock's media for the provider states (SPEC §3: `duration=N` sets the length, `fail` in the path fails processing). */
export const MOCK_VIDEO_URL = 'https://media.example.com/clips/short.mp4?duration=5';
export const MOCK_FAILING_VIDEO_URL = 'https://media.example.com/clips/fail-corrupt.mp4';
