/** The thank-you redirect of a plain HTML form, honoured only for allow-listed origins. */
export function allowedRedirect(
  candidate: string | undefined,
  allowedOrigins: readonly string[],
): string | undefined {
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    const allowed = allowedOrigins.some((origin) => {
      try {
        return new URL(origin).origin === url.origin;
      } catch {
        return false;
      }
    });
    return allowed ? url.href : undefined;
  } catch {
    return undefined;
  }
}
