import { render } from 'preact';
import { App } from './app';
import { takeKeyFromFragment } from './session/api-key';
import { applyStoredTheme } from './ui/theme';
import './styles.css';

takeKeyFromFragment(location, history);
applyStoredTheme();
render(<App />, document.getElementById('app')!);
