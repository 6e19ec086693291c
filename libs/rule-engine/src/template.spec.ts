import { renderTemplate } from './template';

describe('renderTemplate', () => {
  it('substitutes the value, rounded to at most 4 decimals without trailing zeros', () => {
    expect(renderTemplate('load is {{ $value }}', 0.85126, {})).toBe('load is 0.8513');
    expect(renderTemplate('load is {{ $value }}', 0.5, {})).toBe('load is 0.5');
    expect(renderTemplate('{{ $value }}', 3, {})).toBe('3');
    expect(renderTemplate('{{ $value }}', 1234.56789, {})).toBe('1234.5679');
    expect(renderTemplate('{{ $value }}', -0.25, {})).toBe('-0.25');
  });

  it('renders a null value as n/a', () => {
    expect(renderTemplate('load is {{ $value }}', null, {})).toBe('load is n/a');
  });

  it('substitutes labels, with or without spaces inside the braces', () => {
    const labels = { cell_id: 'cell-7', site: 'lon-1' };
    expect(renderTemplate('{{ $labels.cell_id }} at {{$labels.site}}', 1, labels)).toBe('cell-7 at lon-1');
  });

  it('renders a missing label as the empty string, even one named like an Object property', () => {
    expect(renderTemplate('[{{ $labels.nope }}][{{ $labels.constructor }}]', 1, {})).toBe('[][]');
  });

  it('substitutes every occurrence and mixed placeholders', () => {
    expect(renderTemplate('{{ $labels.a }}/{{ $value }}/{{ $labels.a }}/{{ $value }}', 0.1, { a: 'x' })).toBe('x/0.1/x/0.1');
  });

  it('leaves text and unknown placeholders alone', () => {
    expect(renderTemplate('no placeholders', 1, {})).toBe('no placeholders');
    expect(renderTemplate('{{ $other }} {{ value }} {{ $labels.1bad }}', 1, {})).toBe('{{ $other }} {{ value }} {{ $labels.1bad }}');
  });

  it('inserts label values literally, including `$` replacement patterns', () => {
    expect(renderTemplate('{{ $labels.x }}', 1, { x: "$& $1 $$ $'" })).toBe("$& $1 $$ $'");
  });
});
