/**
 * A person's name (or any visitor-chosen label), isolated with `<bdi>` so right-to-left or
 * mixed text cannot reorder what is around it (SECURITY.md B19). Always rendered as text.
 */
export function Name({ children, class: className }: { children: string; class?: string }) {
  return <bdi class={className ? `name ${className}` : 'name'}>{children}</bdi>;
}
