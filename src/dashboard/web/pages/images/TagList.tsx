// An image's tags as small chips (read-only; the Edit dialog changes them).
export function TagList({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return <>—</>;
  return <ul className="image-tags">{tags.map((tag) => <li key={tag} className="image-tag">{tag}</li>)}</ul>;
}
