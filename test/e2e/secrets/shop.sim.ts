import { shop } from './shop.ts';

export default shop(1);
