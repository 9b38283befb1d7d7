import { forwardRef, useRef } from 'react';
import type { RuleProblem } from '../../../shared/model';

interface Props {
  text: string;
  onChange(text: string): void;
  /** The errors of the text as it stands (a check of an older text marks nothing). */
  errors: RuleProblem[];
}

/**
 * The rules as text, with line numbers beside them and each line that is not a rule marked in
 * red, its reason in the mark's tooltip. The marks are drawn beside the text (the list under the
 * editor says the same to a screen reader); the gutter follows the text as it scrolls.
 */
export const RulesEditor = forwardRef<HTMLTextAreaElement, Props>(function RulesEditor({ text, onChange, errors }, editor) {
  const gutter = useRef<HTMLDivElement>(null);
  const problems = new Map(errors.map((e) => [e.line, e.message]));
  const lines = text.split('\n').length;
  return (
    <div className="rules-editor-frame">
      <div className="rules-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => {
          const problem = problems.get(i + 1);
          return (
            <div key={i} className={problem ? 'rules-line error-line' : 'rules-line'} title={problem}>
              {problem ? '● ' : ''}
              {i + 1}
            </div>
          );
        })}
      </div>
      <textarea
        ref={editor}
        className="rules-editor"
        aria-label="Rules"
        spellCheck={false}
        wrap="off"
        value={text}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
});
