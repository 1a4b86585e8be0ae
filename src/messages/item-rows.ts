/**
 * Flex rows shared by the cart, order and receipt bubbles: a product line (name, unit price ×
 * quantity, line amount), the total, and a label/value row — so all three read the same way.
 */
import { type FlexComponent, theme } from './common';
import { copy, formatPrice } from './copy';

/** Name over "NT$680 × 2" on the left, the line amount on the right; `notes` go under it (warnings). */
export function itemRow(
  name: string,
  unitPrice: number,
  quantity: number,
  notes: FlexComponent[] = [],
  margin: 'sm' | 'md' = 'sm',
): FlexComponent {
  return {
    type: 'box',
    layout: 'horizontal',
    margin,
    contents: [
      {
        type: 'box',
        layout: 'vertical',
        flex: 5,
        contents: [
          { type: 'text', text: name, size: 'sm', wrap: true, color: theme.text },
          { type: 'text', text: copy.unitPrice(formatPrice(unitPrice), quantity), size: 'xs', color: theme.muted },
          ...notes,
        ],
      },
      { type: 'text', text: formatPrice(unitPrice * quantity), size: 'sm', align: 'end', flex: 3, color: theme.text },
    ],
  };
}

export function totalRow(total: number): FlexComponent {
  return {
    type: 'box',
    layout: 'horizontal',
    margin: 'lg',
    contents: [
      { type: 'text', text: copy.cartTotal, weight: 'bold', size: 'md', color: theme.text },
      { type: 'text', text: formatPrice(total), weight: 'bold', size: 'xl', align: 'end', color: theme.accent },
    ],
  };
}

/** A muted label on the left, its value on the right. */
export function labelRow(
  label: string,
  value: string,
  opts: { bold?: boolean; color?: string; size?: string } = {},
): FlexComponent {
  return {
    type: 'box',
    layout: 'horizontal',
    contents: [
      { type: 'text', text: label, size: 'sm', color: theme.muted, flex: 3 },
      {
        type: 'text',
        text: value,
        size: opts.size ?? 'sm',
        color: opts.color ?? theme.text,
        weight: opts.bold ? 'bold' : 'regular',
        align: 'end',
        wrap: true,
        flex: 5,
      },
    ],
  };
}
