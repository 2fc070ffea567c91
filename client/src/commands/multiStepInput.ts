import * as vscode from 'vscode';
import { UserCancelledError } from '../errors';

/** A step shows one input and returns the next step, or nothing when the flow is complete. */
export type Step<S> = (input: MultiStepInput, state: S) => Promise<Step<S> | void>;

export type Validation = string | vscode.InputBoxValidationMessage | undefined;

export interface InputBoxOptions {
  title: string;
  step: number;
  totalSteps: number;
  prompt: string;
  placeholder: string;
  value?: string;
  password?: boolean;
  /** Runs on every keystroke and again on Enter; only an Error severity blocks Enter. */
  validate?: (value: string) => Validation;
  /** Shown when the box opens: why the value was refused after Enter (a check too costly for every keystroke). */
  message?: string;
}

export interface QuickPickOptions<T extends vscode.QuickPickItem> {
  title: string;
  step: number;
  totalSteps: number;
  placeholder: string;
  items: T[];
  active?: T;
}

// Thrown by an input when its Back button is pressed; `run` turns it into "show the previous step again".
const BACK = Symbol('back');

/**
 * A guided input over one QuickInput at a time: step numbers, a Back button that keeps what was typed, validation
 * on every keystroke, Escape to cancel (UserCancelledError). The inputs ignore focus-out so the user can copy an
 * id from the portal without losing the flow.
 */
export class MultiStepInput {
  private current: vscode.QuickInput | undefined;

  static async run<S>(first: Step<S>, state: S): Promise<S> {
    const input = new MultiStepInput();
    const history: Step<S>[] = [];
    let step: Step<S> | void = first;
    try {
      while (step) {
        history.push(step);
        try {
          step = await step(input, state);
        } catch (error) {
          if (error !== BACK) throw error;
          history.pop();
          step = history.pop() ?? first;
        }
      }
    } finally {
      input.current?.dispose();
    }
    return state;
  }

  showInputBox(o: InputBoxOptions): Promise<string> {
    const disposables: vscode.Disposable[] = [];
    return new Promise<string>((resolve, reject) => {
      const box = vscode.window.createInputBox();
      box.title = o.title;
      box.step = o.step;
      box.totalSteps = o.totalSteps;
      box.prompt = o.prompt;
      box.placeholder = o.placeholder;
      box.value = o.value ?? '';
      box.password = o.password ?? false;
      box.validationMessage = o.message;
      box.ignoreFocusOut = true;
      box.buttons = o.step > 1 ? [vscode.QuickInputButtons.Back] : [];
      const check = (value: string): boolean => {
        const message = o.validate?.(value);
        box.validationMessage = message;
        return message === undefined || (typeof message !== 'string' && message.severity !== vscode.InputBoxValidationSeverity.Error);
      };
      disposables.push(
        box.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(BACK);
        }),
        box.onDidChangeValue((value) => void check(value)),
        // Enter is checked again: a fast typist (or a test) can press it before the change event's validation ran.
        box.onDidAccept(() => {
          if (check(box.value)) resolve(box.value);
        }),
        box.onDidHide(() => reject(new UserCancelledError(o.prompt))),
      );
      this.replace(box);
    }).finally(() => disposables.forEach((d) => d.dispose()));
  }

  showQuickPick<T extends vscode.QuickPickItem>(o: QuickPickOptions<T>): Promise<T> {
    const disposables: vscode.Disposable[] = [];
    return new Promise<T>((resolve, reject) => {
      const pick = vscode.window.createQuickPick<T>();
      pick.title = o.title;
      pick.step = o.step;
      pick.totalSteps = o.totalSteps;
      pick.placeholder = o.placeholder;
      pick.items = o.items;
      if (o.active) pick.activeItems = [o.active];
      pick.ignoreFocusOut = true;
      pick.buttons = o.step > 1 ? [vscode.QuickInputButtons.Back] : [];
      disposables.push(
        pick.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(BACK);
        }),
        pick.onDidAccept(() => {
          const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
          if (chosen) resolve(chosen);
        }),
        pick.onDidHide(() => reject(new UserCancelledError(o.placeholder))),
      );
      this.replace(pick);
    }).finally(() => disposables.forEach((d) => d.dispose()));
  }

  // Show the new input before disposing the old one, so the widget does not close and reopen between steps.
  private replace(next: vscode.QuickInput): void {
    const previous = this.current;
    this.current = next;
    next.show();
    previous?.dispose();
  }
}
