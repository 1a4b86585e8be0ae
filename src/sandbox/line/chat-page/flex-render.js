// Renders LINE Flex Message JSON into DOM, following LINE's layout rules closely enough that a
// developer sees what a customer would: box layouts and flex ratios, spacing/margin/padding keywords,
// text sizes and wrapping, images with aspect ratios, button styles, separators, fillers, icons.
// Exposes window.FlexRender.render(container, onAction) → HTMLElement.
(() => {
  const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const TEXT_SIZE = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, '3xl': 35, '4xl': 48, '5xl': 74 };
  const IMAGE_SIZE = {
    xxs: 40,
    xs: 60,
    sm: 80,
    md: 100,
    lg: 120,
    xl: 140,
    xxl: 160,
    '3xl': 180,
    '4xl': 200,
    '5xl': 240,
  };
  const BUBBLE_WIDTH = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 500 };
  const RADIUS = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const BORDER = { none: 0, light: 0.5, normal: 1, medium: 2, 'semi-bold': 3, bold: 4 };
  const GRAVITY = { top: 'flex-start', center: 'center', bottom: 'flex-end' };
  const ALIGN = { start: 'left', center: 'center', end: 'right' };

  const px = (value, table) => {
    if (value === undefined || value === null) return undefined;
    if (table && value in table) return `${table[value]}px`;
    return String(value);
  };

  function el(tag, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  function attachAction(node, action, onAction) {
    if (!action) return;
    node.classList.add('fx-tappable');
    node.addEventListener('click', (event) => {
      event.stopPropagation();
      onAction(action);
    });
  }

  /** Applies a child's sizing inside its parent box, as LINE's flex model does. */
  function applyFlexItem(node, component, parentLayout) {
    const horizontal = parentLayout !== 'vertical';
    if (component.flex === 0) {
      // LINE: flex 0 sizes the component to its content.
      node.style.flex = '0 0 auto';
    } else if (component.flex !== undefined) {
      node.style.flex = horizontal ? `${component.flex} 0 0` : `${component.flex} 0 auto`;
    } else if (horizontal) {
      node.style.flex = '1 0 0';
    } else {
      node.style.flex = '0 0 auto';
    }
    if (component.gravity && horizontal) node.style.alignSelf = GRAVITY[component.gravity] || '';
    if (component.position === 'absolute') node.style.position = 'absolute';
    for (const [key, css] of [
      ['offsetTop', 'top'],
      ['offsetBottom', 'bottom'],
      ['offsetStart', 'left'],
      ['offsetEnd', 'right'],
    ]) {
      if (component[key] !== undefined) {
        node.style[css] = px(component[key], SPACING);
        if (component.position !== 'absolute') node.style.position = 'relative';
      }
    }
  }

  function renderBox(box, onAction) {
    const node = el('div', `fx-box fx-${box.layout}`);
    node.style.display = 'flex';
    node.style.flexDirection = box.layout === 'vertical' ? 'column' : 'row';
    if (box.layout === 'baseline') node.style.alignItems = 'baseline';
    if (box.backgroundColor) node.style.backgroundColor = box.backgroundColor;
    if (box.borderColor) node.style.borderColor = box.borderColor;
    if (box.borderWidth) {
      node.style.borderStyle = 'solid';
      node.style.borderWidth = px(box.borderWidth, BORDER);
    }
    if (box.cornerRadius) node.style.borderRadius = px(box.cornerRadius, RADIUS);
    for (const [key, css] of [
      ['paddingAll', 'padding'],
      ['paddingTop', 'paddingTop'],
      ['paddingBottom', 'paddingBottom'],
      ['paddingStart', 'paddingLeft'],
      ['paddingEnd', 'paddingRight'],
    ]) {
      if (box[key] !== undefined) node.style[css] = px(box[key], SPACING);
    }
    for (const key of ['width', 'maxWidth', 'height', 'maxHeight']) if (box[key]) node.style[key] = box[key];
    if (box.justifyContent) node.style.justifyContent = box.justifyContent;
    if (box.alignItems) node.style.alignItems = box.alignItems;
    if (box.background?.type === 'linearGradient') {
      const stops = [box.background.startColor];
      if (box.background.centerColor)
        stops.push(`${box.background.centerColor} ${box.background.centerPosition || '50%'}`);
      stops.push(box.background.endColor);
      node.style.backgroundImage = `linear-gradient(${box.background.angle || '0deg'}, ${stops.join(', ')})`;
    }
    if ((box.contents || []).some((child) => child.position === 'absolute')) node.style.position = 'relative';
    const spacing = box.spacing ? px(box.spacing, SPACING) : undefined;
    (box.contents || []).forEach((child, index) => {
      const childNode = renderComponent(child, box.layout, onAction);
      if (!childNode) return;
      const gap = child.margin !== undefined ? px(child.margin, SPACING) : index > 0 ? spacing : undefined;
      if (gap && index > 0) {
        if (box.layout === 'vertical') childNode.style.marginTop = gap;
        else childNode.style.marginLeft = gap;
      } else if (gap && child.margin !== undefined) {
        if (box.layout === 'vertical') childNode.style.marginTop = gap;
        else childNode.style.marginLeft = gap;
      }
      node.appendChild(childNode);
    });
    attachAction(node, box.action, onAction);
    return node;
  }

  function renderText(text, parentLayout, onAction) {
    const node = el('div', 'fx-text');
    if (Array.isArray(text.contents) && text.contents.length) {
      for (const span of text.contents) {
        const spanNode = el('span');
        spanNode.textContent = span.text;
        if (span.size) spanNode.style.fontSize = px(span.size, TEXT_SIZE);
        if (span.color) spanNode.style.color = span.color;
        if (span.weight === 'bold') spanNode.style.fontWeight = '700';
        if (span.style === 'italic') spanNode.style.fontStyle = 'italic';
        if (span.decoration && span.decoration !== 'none') spanNode.style.textDecoration = span.decoration;
        node.appendChild(spanNode);
      }
    } else {
      node.textContent = text.text;
    }
    node.style.fontSize = px(text.size || 'md', TEXT_SIZE);
    if (text.color) node.style.color = text.color;
    if (text.weight === 'bold') node.style.fontWeight = '700';
    if (text.style === 'italic') node.style.fontStyle = 'italic';
    if (text.decoration && text.decoration !== 'none') node.style.textDecoration = text.decoration;
    if (text.align) node.style.textAlign = ALIGN[text.align] || 'left';
    if (text.lineSpacing) node.style.lineHeight = `calc(1.4em + ${text.lineSpacing})`;
    if (text.wrap) {
      node.classList.add('fx-wrap');
      if (text.maxLines) {
        node.classList.add('fx-clamp');
        node.style.webkitLineClamp = String(text.maxLines);
      }
    }
    applyFlexItem(node, text, parentLayout);
    attachAction(node, text.action, onAction);
    return node;
  }

  function renderImage(image, parentLayout, onAction, isHero) {
    const holder = el('div', 'fx-image');
    const size = image.size || (isHero ? 'full' : 'md');
    const width = size === 'full' ? '100%' : px(size, IMAGE_SIZE);
    const [w, h] = String(image.aspectRatio || '1:1')
      .split(':')
      .map(Number);
    const frame = el('div', 'fx-image-frame');
    frame.style.width = width;
    frame.style.maxWidth = '100%';
    frame.style.aspectRatio = `${w} / ${h}`;
    if (image.backgroundColor) frame.style.backgroundColor = image.backgroundColor;
    const img = el('img');
    img.src = image.url;
    img.alt = '';
    img.style.objectFit = image.aspectMode === 'cover' ? 'cover' : 'contain';
    img.onerror = () => frame.classList.add('fx-image-broken');
    frame.appendChild(img);
    holder.appendChild(frame);
    holder.style.display = 'flex';
    holder.style.justifyContent = { start: 'flex-start', end: 'flex-end' }[image.align] || 'center';
    applyFlexItem(holder, image, parentLayout);
    if (isHero) holder.style.flex = '';
    attachAction(holder, image.action, onAction);
    return holder;
  }

  function renderButton(button, parentLayout, onAction) {
    const style = button.style || 'link';
    const node = el('button', `fx-button fx-button-${style} fx-button-${button.height || 'md'}`);
    node.type = 'button';
    node.textContent = button.action?.label ?? '';
    if (button.color) {
      if (style === 'link') node.style.color = button.color;
      else node.style.backgroundColor = button.color;
    }
    applyFlexItem(node, button, parentLayout);
    attachAction(node, button.action, onAction);
    return node;
  }

  function renderComponent(component, parentLayout, onAction) {
    switch (component.type) {
      case 'box': {
        const node = renderBox(component, onAction);
        applyFlexItem(node, component, parentLayout);
        return node;
      }
      case 'text':
        return renderText(component, parentLayout, onAction);
      case 'image':
        return renderImage(component, parentLayout, onAction, false);
      case 'button':
        return renderButton(component, parentLayout, onAction);
      case 'separator': {
        const node = el('div', parentLayout === 'vertical' ? 'fx-separator-h' : 'fx-separator-v');
        if (component.color) node.style.backgroundColor = component.color;
        return node;
      }
      case 'filler': {
        const node = el('div', 'fx-filler');
        node.style.flex = `${component.flex ?? 1} 0 0`;
        return node;
      }
      case 'icon': {
        const node = el('img', 'fx-icon');
        node.src = component.url;
        node.alt = '';
        const size = px(component.size || 'md', TEXT_SIZE);
        node.style.height = size;
        const [w, h] = String(component.aspectRatio || '1:1')
          .split(':')
          .map(Number);
        node.style.width = `calc(${size} * ${w / h})`;
        node.style.flex = '0 0 auto';
        return node;
      }
      case 'video':
        return component.altContent ? renderComponent(component.altContent, parentLayout, onAction) : null;
      default: {
        const node = el('div', 'fx-unknown');
        node.textContent = `[${component.type}]`;
        return node;
      }
    }
  }

  function renderBlock(name, component, bubble, onAction) {
    const style = bubble.styles?.[name] || {};
    let node;
    if (component.type === 'image') node = renderImage(component, 'vertical', onAction, true);
    else if (component.type === 'box') node = renderBox(component, onAction);
    else node = renderComponent(component, 'vertical', onAction);
    node.style.flex = '';
    node.classList.add('fx-block', `fx-${name}`);
    if (style.backgroundColor) node.style.backgroundColor = style.backgroundColor;
    if (style.separator) node.style.borderTop = `1px solid ${style.separatorColor || '#e5e5e5'}`;
    return node;
  }

  function renderBubble(bubble, onAction) {
    const node = el('div', 'fx-bubble');
    node.style.width = `${BUBBLE_WIDTH[bubble.size || 'mega']}px`;
    if (bubble.direction === 'rtl') node.style.direction = 'rtl';
    for (const name of ['header', 'hero', 'body', 'footer']) {
      if (bubble[name]) node.appendChild(renderBlock(name, bubble[name], bubble, onAction));
    }
    attachAction(node, bubble.action, onAction);
    return node;
  }

  function render(container, onAction) {
    if (container.type === 'carousel') {
      const node = el('div', 'fx-carousel');
      for (const bubble of container.contents || []) node.appendChild(renderBubble(bubble, onAction));
      return node;
    }
    return renderBubble(container, onAction);
  }

  window.FlexRender = { render };
})();
