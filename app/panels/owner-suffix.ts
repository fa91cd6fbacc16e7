/** Naming in the weight table's Layer / op column. */

/**
 * The part of the owner's name that the weight's name does not already say. Layer and node names usually share
 * the weight's scope ('conv1/kernel' belongs to 'conv1'; 'a/b/zeros_7' feeds 'a/b/stack_3'), so the table
 * shows '' or '…/stack_3' instead of repeating the scope; the full name is in the cell's tooltip.
 */
export function ownerSuffix(weightName: string, owner: string): string {
  const w = weightName.split('/');
  const o = owner.split('/');
  let shared = 0;
  while (shared < o.length && shared < w.length && o[shared] === w[shared]) shared++;
  if (shared === o.length) return '';
  return shared === 0 ? owner : `…/${o.slice(shared).join('/')}`;
}
