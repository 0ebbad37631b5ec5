// Node's own dynamic import, loaded with require() (createRequire) so vitest does not transform it: the
// built main bundle must be evaluated by Node exactly as shipped.
/** @param {string} url */
export const nativeImport = (url) => import(url)
