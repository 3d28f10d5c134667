/** `import { WfloSaver } from 'wflo/langgraph'`: LangGraph.js checkpoints on wflo's store. */
export { WfloSaver } from './wflo-saver.js';
