// What the example pages (plain and React) show of a driveItem: its icon and
// kind, its size and dates in words, which of its URLs may become a link
// (https only), a permission's badges, and whether a preview may be framed.

export const ICONS = {
  folder: '<svg viewBox="0 0 48 48"><path d="M4 12a4 4 0 0 1 4-4h11l4 5h17a4 4 0 0 1 4 4v19a4 4 0 0 1-4 4H8a4 4 0 0 1-4-4z" fill="#e8a33d"/><path d="M4 18h40v18a4 4 0 0 1-4 4H8a4 4 0 0 1-4-4z" fill="#f6c15b"/></svg>',
  doc: badge('#185abd', 'W'),
  xlsx: badge('#107c41', 'X'),
  pptx: badge('#c43e1c', 'P'),
  pdf: badge('#c4262e', 'PDF'),
  image: badge('#8a3ffc', 'IMG'),
  other: badge('#6b7280', ''),
};

function badge(colour, letter) {
  const size = letter.length > 1 ? 11 : 17;
  return `<svg viewBox="0 0 48 48"><path d="M10 4h20l10 10v28a2 2 0 0 1-2 2H10a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" fill="#fff" stroke="#c9ced6" stroke-width="1.5"/><path d="M30 4v10h10" fill="#eef0f3" stroke="#c9ced6" stroke-width="1.5"/><rect x="4" y="20" width="26" height="18" rx="3" fill="${colour}"/><text x="17" y="33.5" font-family="Segoe UI, Arial, sans-serif" font-weight="700" font-size="${size}" fill="#fff" text-anchor="middle">${letter}</text></svg>`;
}

/** `url` if it is an https: URL, else undefined (no javascript:, data:, http: links). */
export function httpsUrl(url) {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function kindOf(item) {
  if (item.folder) return ['folder', 'Folder'];
  const mime = typeof item.file?.mimeType === 'string' ? item.file.mimeType : '';
  const ext = (String(item.name ?? '').split('.').pop() ?? '').toLowerCase();
  if (mime === 'application/pdf' || ext === 'pdf') return ['pdf', 'PDF document'];
  if (mime.includes('wordprocessingml') || mime === 'application/msword' || ['doc', 'docx'].includes(ext)) return ['doc', 'Word document'];
  if (mime.includes('spreadsheetml') || mime === 'application/vnd.ms-excel' || ['xls', 'xlsx', 'csv'].includes(ext)) return ['xlsx', 'Excel workbook'];
  if (mime.includes('presentationml') || mime === 'application/vnd.ms-powerpoint' || ['ppt', 'pptx'].includes(ext)) return ['pptx', 'PowerPoint presentation'];
  if (mime.startsWith('image/') || ['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp'].includes(ext)) return ['image', 'Image'];
  return ['other', ext ? `${ext.toUpperCase()} file` : 'File'];
}

export function humanSize(bytes) {
  if (typeof bytes !== 'number') return '—';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} bytes` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

export function items(count) {
  const n = typeof count === 'number' ? count : 0;
  return n === 1 ? '1 item' : `${n} items`;
}

export function when(time) {
  const date = typeof time === 'string' ? new Date(time) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

/** What a permission says on a card: "view only" or "can edit", "expires …", "no download". */
export function badgesOf(permission, now) {
  const roles = Array.isArray(permission.roles) ? permission.roles : [];
  const type = permission.link?.type;
  const edit = type === 'edit' || roles.includes('write') || roles.includes('owner');
  const badges = [edit ? ['edit', 'can edit'] : ['view', 'view only']];
  const expiry = typeof permission.expirationDateTime === 'string' ? new Date(permission.expirationDateTime) : undefined;
  if (expiry && !Number.isNaN(expiry.getTime())) {
    const day = expiry.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
    badges.push(['expires', expiry.getTime() < now ? `expired ${day}` : `expires ${day}`]);
  }
  const blocksDownload = permission.link?.preventsDownload === true;
  if (blocksDownload) badges.push(['nodownload', 'no download']);
  return { badges, edit, blocksDownload };
}

/**
 * Whether `url` may be shown in an iframe: an https URL on one of
 * `previewHosts` (`*.` matches one or more labels before the suffix).
 */
export function previewable(url, hosts) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return false;
  const host = parsed.hostname.toLowerCase();
  return hosts.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern,
  );
}
